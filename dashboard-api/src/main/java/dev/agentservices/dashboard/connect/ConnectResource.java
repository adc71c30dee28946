package dev.agentservices.dashboard.connect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.agentservices.dashboard.auth.CurrentUser;
import dev.agentservices.dashboard.auth.SessionCookie;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.api.DashboardCalls;
import dev.agentservices.proto.api.v1.DashboardServiceGrpc;
import dev.agentservices.proto.api.v1.DashboardServiceProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import io.grpc.MethodDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The Connect protocol's unary calls at {@code /api/dashboard/api.v1.DashboardService/{Method}}: POST with
 * {@code application/json} (canonical proto3 JSON) or {@code application/proto}, answered in the same
 * codec; GET for methods without side effects, with the {@code connect}, {@code encoding},
 * {@code message}, {@code base64} and {@code compression} query parameters; gzip request bodies, and gzip
 * answers of 1 KiB or more to callers that accept them;
 * {@code Connect-Timeout-Ms}. quarkus-grpc does not serve Connect over HTTP/1.1, hence this route.
 */
@Path("/api/dashboard/api.v1.DashboardService")
public class ConnectResource {

    static final String JSON = "application/json";
    static final String PROTO = "application/proto";
    /** Smaller answers go out as they are: gzip would save little and cost a round of CPU. */
    static final int GZIP_THRESHOLD = 1024;
    /** No request of this API is anywhere near this; anything larger is a mistake or an attack. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    /** One method: its request type, whether GET may call it, and the {@link DashboardCalls} method that serves it. */
    private record Method(Message prototype, boolean noSideEffects, java.lang.reflect.Method target) {
    }

    private final Map<String, Method> methods;
    private final DashboardCalls calls;
    private final CurrentUser user;
    private final SessionCookie cookie;

    public ConnectResource(DashboardCalls calls, CurrentUser currentUser, SessionCookie cookie) {
        this.calls = calls;
        this.user = currentUser;
        this.cookie = cookie;
        this.methods = methodTable();
    }

    /**
     * The served methods, from the generated service descriptor: each RPC's request prototype, its
     * idempotency level, and the method of {@link DashboardCalls} named as the RPC in lower camel case. An
     * RPC without one is declared but not served ({@code unimplemented}).
     */
    static Map<String, Method> methodTable() {
        Map<String, Method> table = new HashMap<>();
        for (MethodDescriptor<?, ?> rpc : DashboardServiceGrpc.getServiceDescriptor().getMethods()) {
            String name = rpc.getBareMethodName();
            Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) rpc.getRequestMarshaller()).getMessagePrototype();
            boolean noSideEffects = DashboardServiceProto.getDescriptor().findServiceByName("DashboardService")
                    .findMethodByName(name).getOptions().getIdempotencyLevel() == IdempotencyLevel.NO_SIDE_EFFECTS;
            try {
                java.lang.reflect.Method target = DashboardCalls.class.getMethod(
                        Character.toLowerCase(name.charAt(0)) + name.substring(1), prototype.getClass(), DashboardUser.class);
                table.put(name, new Method(prototype, noSideEffects, target));
            } catch (NoSuchMethodException notServed) {
                // declared in the proto, not served yet: answered as unimplemented
            }
        }
        return Map.copyOf(table);
    }

    /** The names of the methods this route serves. */
    static java.util.Set<String> served() {
        return methodTable().keySet();
    }

    @POST
    @Path("{method}")
    public Uni<Response> post(@PathParam("method") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Content-Encoding") String contentEncoding, @HeaderParam("Connect-Protocol-Version") String version,
            @HeaderParam("Connect-Timeout-Ms") String timeout, @HeaderParam("Accept-Encoding") String acceptEncoding,
            @Context HttpHeaders headers, byte[] body) {
        requireVersion(version);
        if (version == null && headers.getHeaderString(HttpHeaders.AUTHORIZATION) == null
                && headers.getCookies().containsKey(cookie.name())) {
            // a cross-site form can send the cookie but never this header
            throw new ConnectException("permission_denied",
                    "A call signed in by the session cookie must send the header Connect-Protocol-Version: 1");
        }
        String codec = codec(contentType);
        Method method = method(name);
        return call(method, parse(method, codec, decompress(body, contentEncoding)), codec, timeout, acceptEncoding);
    }

    @GET
    @Path("{method}")
    public Uni<Response> get(@PathParam("method") String name, @QueryParam("connect") String connect,
            @QueryParam("encoding") String encoding, @QueryParam("message") String message,
            @QueryParam("base64") String base64, @QueryParam("compression") String compression,
            @HeaderParam("Connect-Timeout-Ms") String timeout, @HeaderParam("Accept-Encoding") String acceptEncoding) {
        if (connect != null && !"v1".equals(connect)) {
            throw new ConnectException("invalid_argument", "connect must be v1");
        }
        Method method = method(name);
        if (!method.noSideEffects()) {
            throw new ConnectException("invalid_argument", name + " has side effects; call it with POST");
        }
        String codec = codec("proto".equals(encoding) ? PROTO : "json".equals(encoding) ? JSON : "application/" + encoding);
        String text = message == null ? "" : message;
        byte[] bytes = "1".equals(base64) ? decodeBase64(text) : text.getBytes(StandardCharsets.UTF_8);
        return call(method, parse(method, codec, decompress(bytes, compression)), codec, timeout, acceptEncoding);
    }

    private Uni<Response> call(Method method, Message request, String codec, String timeoutMs, String acceptEncoding) {
        Uni<Message> result = user.resolve()
                .onFailure(CurrentUser.NotSignedInException.class).transform(e -> new ConnectException("unauthenticated",
                        "Sign in, or send Authorization: Bearer with an access token from the dashboard's issuer"))
                .flatMap(caller -> invoke(method, request, caller));
        if (timeoutMs != null) {
            long millis;
            try {
                millis = Long.parseLong(timeoutMs.trim());
            } catch (NumberFormatException e) {
                throw new ConnectException("invalid_argument", "Connect-Timeout-Ms must be a number of milliseconds");
            }
            result = result.ifNoItem().after(Duration.ofMillis(millis))
                    .failWith(() -> new ConnectException("deadline_exceeded", "The call took longer than " + millis + " ms"));
        }
        boolean gzip = acceptsGzip(acceptEncoding);
        return result.map(response -> {
            byte[] body = serialize(response, codec);
            if (!gzip || body.length < GZIP_THRESHOLD) {
                return Response.ok(body, codec).build();
            }
            return Response.ok(compress(body), codec).header("Content-Encoding", "gzip").build();
        });
    }

    @SuppressWarnings("unchecked")
    private Uni<Message> invoke(Method method, Message request, DashboardUser caller) {
        try {
            return (Uni<Message>) method.target().invoke(calls, request, caller);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the caller takes gzip responses ({@code Accept-Encoding: gzip}, not with q=0). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            if (pieces[0].trim().equalsIgnoreCase("gzip")) {
                return pieces.length < 2 || !pieces[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }

    private static byte[] compress(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private Method method(String name) {
        Method method = methods.get(name);
        if (method == null) {
            throw isDeclared(name) ? new ConnectException("unimplemented", name + " is not served yet")
                    : ConnectException.unknownMethod("DashboardService has no method " + name);
        }
        return method;
    }

    private static boolean isDeclared(String name) {
        return DashboardServiceProto.getDescriptor().findServiceByName("DashboardService")
                .findMethodByName(name) != null;
    }

    private static void requireVersion(String version) {
        if (version != null && !"1".equals(version.trim())) {
            throw new ConnectException("invalid_argument", "Connect-Protocol-Version must be 1");
        }
    }

    private static String codec(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (JSON.equals(type) || PROTO.equals(type)) {
            return type;
        }
        throw ConnectException.unsupportedMediaType("Send application/json or application/proto, not " + contentType);
    }

    private static Message parse(Method method, String codec, byte[] body) {
        try {
            if (PROTO.equals(codec)) {
                return method.prototype().getParserForType().parseFrom(body);
            }
            Message.Builder builder = method.prototype().newBuilderForType();
            JsonFormat.parser().ignoringUnknownFields().merge(body.length == 0 ? "{}" : new String(body, StandardCharsets.UTF_8),
                    builder);
            return builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new ConnectException("invalid_argument", "The request is not a valid " + method.prototype()
                    .getDescriptorForType().getName() + " in " + codec + ": " + e.getMessage());
        }
    }

    private static byte[] serialize(Message message, String codec) {
        if (PROTO.equals(codec)) {
            return message.toByteArray();
        }
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The request message, unzipped when it came gzipped. Both forms are capped at {@link #MAX_MESSAGE_BYTES}:
     * a few kilobytes of gzip can unzip to gigabytes.
     */
    private static byte[] decompress(byte[] body, String encoding) {
        if (body.length > MAX_MESSAGE_BYTES) {
            throw tooLarge();
        }
        if (encoding == null || encoding.isBlank() || "identity".equals(encoding)) {
            return body;
        }
        if (!"gzip".equals(encoding)) {
            // Connect names this unimplemented (HTTP 501); a client's choice of codec is its own mistake, so 400
            throw new ConnectException("invalid_argument", "Compression " + encoding + " is not supported; use gzip or identity");
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] message = in.readNBytes(MAX_MESSAGE_BYTES + 1);
            if (message.length > MAX_MESSAGE_BYTES) {
                throw tooLarge();
            }
            return message;
        } catch (IOException e) {
            throw new ConnectException("invalid_argument", "The body is not valid gzip");
        }
    }

    private static ConnectException tooLarge() {
        return new ConnectException("resource_exhausted", "A request message is at most " + MAX_MESSAGE_BYTES / 1024
                + " KiB (after gzip)");
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new ConnectException("invalid_argument", "message is not valid base64");
        }
    }
}

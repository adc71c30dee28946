package dev.agentservices.runner.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.http.ErrorBody;
import dev.agentservices.runner.auth.PodTokenVerifier;
import dev.agentservices.runner.upload.GithubOidcVerifier;
import dev.agentservices.runner.upload.UploadConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Checks every request to the runner API before a byte of its body is read: the token first (a pod token
 * for the session in the path; for uploads a pod token or, when enabled, a GitHub Actions OIDC token), then
 * the declared size: JSON bodies at most {@link #MAX_JSON_BYTES} and must declare their length
 * ({@code Content-Length}), so the cap holds before reading; uploads declared larger than the upload limit
 * plus room for the multipart framing are refused at once, and a chunked upload is held to
 * {@code quarkus.http.limits.max-body-size} while it is read, after authentication. The resources verify
 * the token again for what it allows; this gate only keeps unauthenticated or oversized bodies off the
 * server.
 */
@Singleton
public class RequestGate {

    /** The largest JSON body any runner endpoint takes; a report over 960 KiB is refused further in. */
    public static final long MAX_JSON_BYTES = 1024 * 1024;
    /** Room for a multipart body's boundaries and part headers around the file. */
    static final long MULTIPART_OVERHEAD = 64 * 1024;
    private static final String SESSIONS = "/api/runner/sessions/";

    private final PodTokenVerifier podTokens;
    private final GithubOidcVerifier github;
    private final long maxUpload;
    private final ObjectMapper mapper;

    public RequestGate(PodTokenVerifier podTokens, GithubOidcVerifier github, UploadConfig upload, ObjectMapper mapper) {
        this.podTokens = podTokens;
        this.github = github;
        this.maxUpload = upload.maxSize().asLongValue();
        this.mapper = mapper;
    }

    void guard(@Observes Router router) {
        router.route("/api/runner/*").order(Integer.MIN_VALUE + 1).handler(this::sessionRequest);
        router.route("/api/upload").order(Integer.MIN_VALUE + 1).handler(this::upload);
        router.route("/api/upload/*").order(Integer.MIN_VALUE + 1).handler(this::upload);
    }

    private void sessionRequest(RoutingContext context) {
        try {
            String path = context.normalizedPath();
            String rest = path.startsWith(SESSIONS) ? path.substring(SESSIONS.length()) : "";
            int slash = rest.indexOf('/');
            String sessionId = slash < 0 ? rest : rest.substring(0, slash);
            if (sessionId.isEmpty()) {
                throw new RunnerApiException(404, "not_found", "Runner paths are /api/runner/sessions/{id}/...");
            }
            podTokens.verify(context.request().getHeader(HttpHeaders.AUTHORIZATION), sessionId);
            requireSize(context, MAX_JSON_BYTES, true, "report_too_large", "A runner request body is at most 1 MiB");
            context.next();
        } catch (RunnerApiException e) {
            refuse(context, e);
        }
    }

    private void upload(RoutingContext context) {
        try {
            String token = PodTokenVerifier.bearerToken(context.request().getHeader(HttpHeaders.AUTHORIZATION));
            if (podTokens.verify(token).isPresent()) {
                requireUploadSize(context);
                context.next();
                return;
            }
            if (!github.enabled()) {
                throw new RunnerApiException(401, "invalid_token", "The token is not a valid pod token");
            }
            // a GitHub OIDC token is checked against GitHub's keys, which may take a request: off the event loop
            context.vertx().<Void>executeBlocking(() -> {
                github.verify(token);
                return null;
            }).onComplete(verified -> {
                if (verified.failed()) {
                    refuse(context, verified.cause() instanceof RunnerApiException e ? e
                            : new RunnerApiException(401, "invalid_token", "The token could not be verified"));
                    return;
                }
                try {
                    requireUploadSize(context);
                    context.next();
                } catch (RunnerApiException e) {
                    refuse(context, e);
                }
            });
        } catch (RunnerApiException e) {
            refuse(context, e);
        }
    }

    private void requireUploadSize(RoutingContext context) {
        requireSize(context, maxUpload + MULTIPART_OVERHEAD, false, "file_too_large", "An upload is at most " + maxUpload + " bytes");
    }

    private static void requireSize(RoutingContext context, long max, boolean lengthRequired, String error, String message) {
        HttpMethod method = context.request().method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.DELETE || method == HttpMethod.OPTIONS) {
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            if (lengthRequired) {
                throw new RunnerApiException(411, "length_required", "Send the body with a Content-Length");
            }
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new RunnerApiException(400, "bad_content_length", "Content-Length must be a number of bytes");
        }
        if (declared < 0) {
            throw new RunnerApiException(400, "bad_content_length", "Content-Length must be a number of bytes");
        }
        if (declared > max) {
            throw new RunnerApiException(413, error, message);
        }
    }

    private void refuse(RoutingContext context, RunnerApiException e) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new ErrorBody(e.error(), e.getMessage()));
        } catch (Exception impossible) {
            body = ("{\"error\":\"" + e.error() + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        // the body was not read: close the connection rather than leave it to be drained
        context.response().setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close").end(io.vertx.core.buffer.Buffer.buffer(body));
    }
}

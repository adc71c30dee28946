package dev.agentservices.dashboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Singleton;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Signs a browser in with the dashboard's issuer (Okta): the authorization code flow with PKCE. The
 * access token it gets becomes the session cookie, which the cookie mechanism then verifies on every
 * request exactly like a bearer token. Needs {@code OKTA_CLIENT_ID} (and {@code OKTA_CLIENT_SECRET} for a
 * confidential client); without a client id both paths answer 404.
 */
@Path("/auth")
@Singleton
public class BrowserSignInResource {

    private static final Logger LOG = Logger.getLogger(BrowserSignInResource.class);
    static final String LOGIN_COOKIE = "agent_services_login";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final Optional<String> clientId;
    private final Optional<String> clientSecret;
    private final String issuerUrl;
    private final String scopes;
    private final SessionCookie cookie;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile JsonNode discovery;

    public BrowserSignInResource(@ConfigProperty(name = "dashboard.sign-in.client-id") Optional<String> clientId,
            @ConfigProperty(name = "dashboard.sign-in.client-secret") Optional<String> clientSecret,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") String issuerUrl,
            @ConfigProperty(name = "dashboard.sign-in.scopes", defaultValue = "openid profile groups") String scopes,
            SessionCookie cookie, ObjectMapper mapper) {
        this.clientId = clientId.filter(id -> !id.isBlank());
        this.clientSecret = clientSecret.filter(secret -> !secret.isBlank());
        this.issuerUrl = issuerUrl.endsWith("/") ? issuerUrl.substring(0, issuerUrl.length() - 1) : issuerUrl;
        this.scopes = scopes;
        this.cookie = cookie;
        this.mapper = mapper;
    }

    /** Sends the browser to the issuer's sign-in page; {@code return} is where to land afterwards. */
    @GET
    @Path("login")
    @Blocking // reads the issuer's discovery document once
    public Response login(@QueryParam("return") String returnTo, @HeaderParam("Host") String host,
            @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        String client = clientId.orElseThrow(NotFoundException::new);
        String state = random();
        String verifier = random();
        String target = safeReturn(returnTo);
        URI authorize = URI.create(endpoint("authorization_endpoint") + "?response_type=code"
                + "&client_id=" + encode(client) + "&redirect_uri=" + encode(callback(host, forwardedProto))
                + "&scope=" + encode(scopes) + "&state=" + state + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256");
        // Lax, not Strict: the issuer sends the browser back with a cross-site navigation
        String login = LOGIN_COOKIE + "=" + state + "." + verifier + "." + BASE64.encodeToString(target.getBytes(StandardCharsets.UTF_8))
                + "; Path=/auth; Max-Age=600; HttpOnly; SameSite=Lax" + (cookie.secure() ? "; Secure" : "");
        return Response.status(302).location(authorize).header("Set-Cookie", login).build();
    }

    /** The issuer's redirect: checks the state, trades the code for tokens, sets the session cookie. */
    @GET
    @Path("callback")
    @Blocking // the token request waits for the issuer
    public Response callback(@QueryParam("code") String code, @QueryParam("state") String state,
            @QueryParam("error") String error, @CookieParam(LOGIN_COOKIE) String login, @HeaderParam("Host") String host,
            @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        String client = clientId.orElseThrow(NotFoundException::new);
        if (error != null) {
            return refuse(401, "The sign-in was refused: " + error);
        }
        String[] parts = login == null ? new String[0] : login.split("\\.", 3);
        if (parts.length != 3 || state == null || code == null
                || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
            return refuse(400, "This sign-in did not start here or took too long; start again at /auth/login");
        }
        String form = "grant_type=authorization_code&code=" + encode(code) + "&redirect_uri="
                + encode(callback(host, forwardedProto)) + "&client_id=" + encode(client) + "&code_verifier=" + encode(parts[1]);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint("token_endpoint")))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", MediaType.APPLICATION_FORM_URLENCODED)
                .header("Accept", MediaType.APPLICATION_JSON).POST(HttpRequest.BodyPublishers.ofString(form));
        clientSecret.ifPresent(secret -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((encode(client) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8))));
        String accessToken;
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode tokens = answer.statusCode() == 200 ? mapper.readTree(answer.body()) : null;
            accessToken = tokens == null ? null : tokens.path("access_token").asText(null);
            if (accessToken == null) {
                LOG.warnf("The issuer refused the code (HTTP %d)", answer.statusCode());
                return refuse(401, "The issuer did not accept the sign-in; start again at /auth/login");
            }
        } catch (IOException e) {
            return refuse(503, "The issuer could not be reached; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(503, "Interrupted; try again");
        }
        String target = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8);
        return Response.status(303).location(URI.create(safeReturn(target)))
                .header("Set-Cookie", cookie.header(accessToken))
                .header("Set-Cookie", LOGIN_COOKIE + "=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax"
                        + (cookie.secure() ? "; Secure" : ""))
                .build();
    }

    /** Signs the browser out of the dashboard (not out of the issuer). */
    @GET
    @Path("logout")
    public Response logout() {
        return Response.status(303).location(URI.create("/")).header("Set-Cookie", cookie.clearingHeader()).build();
    }

    private String endpoint(String name) {
        JsonNode document = discovery;
        if (document == null) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(issuerUrl + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                document = mapper.readTree(answer.body());
                discovery = document;
            } catch (IOException e) {
                throw new jakarta.ws.rs.ServiceUnavailableException("The issuer could not be reached; try again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new jakarta.ws.rs.ServiceUnavailableException("Interrupted; try again");
            }
        }
        String value = document.path(name).asText(null);
        if (value == null) {
            throw new jakarta.ws.rs.ServiceUnavailableException("The issuer's discovery document has no " + name);
        }
        return value;
    }

    /** Only a path on this dashboard: never another site (an open redirect). */
    static String safeReturn(String returnTo) {
        return returnTo != null && returnTo.startsWith("/") && !returnTo.startsWith("//") && !returnTo.contains("\\")
                ? returnTo : "/";
    }

    private static String callback(String host, String forwardedProto) {
        String scheme = "http".equals(forwardedProto) || (forwardedProto == null && host != null
                && (host.startsWith("localhost") || host.startsWith("127.0.0.1"))) ? "http" : "https";
        return scheme + "://" + host + "/auth/callback";
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64.encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            return BASE64.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Response refuse(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new dev.agentservices.common.http.ErrorBody("sign_in_failed", message)).build();
    }
}

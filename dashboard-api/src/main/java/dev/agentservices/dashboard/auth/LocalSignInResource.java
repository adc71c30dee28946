package dev.agentservices.dashboard.auth;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Local mode's sign-in, for a machine without Okta: a form that signs anyone in under the name and teams
 * they type, marked as such on the page and in the token's issuer. It is its own OIDC issuer: a key pair
 * made at start-up, whose public half {@code /local/jwks} serves to the token verification. Off unless
 * {@code dashboard.local-sign-in.enabled} (only the {@code local} profile sets it): every path then
 * answers 404. Signing in takes the local sign-in secret ({@code DASHBOARD_LOCAL_SIGN_IN_SECRET}, made and
 * printed by deploy/local/run.sh at each start), compared in constant time: without it, any page or process
 * that reaches the port could mint an admin token and open a shell through the terminal.
 */
@Path("/local")
@Singleton
public class LocalSignInResource {

    public static final String ISSUER = "urn:agent-services:local-sign-in";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9@._+-]{1,64}");

    private final boolean enabled;
    private final String audience;
    private final String adminGroup;
    private final SessionCookie cookie;
    private final KeyPair keys;
    private final byte[] secret;

    public LocalSignInResource(@ConfigProperty(name = "dashboard.local-sign-in.enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "dashboard.local-sign-in.secret") java.util.Optional<String> secret,
            @ConfigProperty(name = "quarkus.oidc.token.audience") String audience,
            @ConfigProperty(name = "dashboard.admin-group", defaultValue = "agent-services-admins") String adminGroup,
            SessionCookie cookie) throws NoSuchAlgorithmException {
        this.enabled = enabled;
        this.audience = audience;
        this.adminGroup = adminGroup;
        this.cookie = cookie;
        this.keys = enabled ? KeyUtils.generateKeyPair(2048) : null;
        if (enabled && secret.filter(value -> value.length() >= 16).isEmpty()) {
            throw new IllegalStateException("The local sign-in needs DASHBOARD_LOCAL_SIGN_IN_SECRET (16 characters or more);"
                    + " deploy/local/run.sh makes one at each start and prints it");
        }
        this.secret = secret.map(value -> value.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElse(null);
    }

    @GET
    @Path("sign-in")
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        requireEnabled();
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Local sign-in: agent-services</title></head>
                <body style="font-family:sans-serif;max-width:36em;margin:3em auto">
                <p style="background:#fde68a;padding:1em;border:2px solid #b45309"><strong>LOCAL SIGN-IN, for a
                development machine only.</strong> Anyone who reaches this page can sign in as anyone. Deployments
                sign in with Okta instead.</p>
                <form method="post" action="/local/sign-in">
                <p><label>Local sign-in secret (deploy/local/run.sh printed it) <input name="secret" type="password" required></label></p>
                <p><label>Name <input name="name" value="dev@localhost" required></label></p>
                <p><label>Teams (comma-separated) <input name="teams" value="%s"></label></p>
                <p><button type="submit">Sign in</button></p>
                </form></body></html>
                """.formatted(adminGroup);
    }

    /** Signs the browser in with a cookie holding a local token. */
    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@FormParam("secret") String given, @FormParam("name") String name, @FormParam("teams") String teams) {
        requireEnabled();
        String token = token(given, name, teams);
        return Response.ok("""
                <!doctype html><html><head><meta charset="utf-8"><title>Signed in locally</title></head>
                <body style="font-family:sans-serif;max-width:36em;margin:3em auto">
                <p style="background:#fde68a;padding:1em;border:2px solid #b45309"><strong>LOCAL SIGN-IN.</strong></p>
                <p>This browser is signed in; the dashboard API, the event streams and the terminal accept it.</p>
                <p><a href="/">Open the dashboard</a></p>
                <form method="post" action="/local/sign-out"><button type="submit">Sign out</button></form>
                </body></html>
                """).header("Set-Cookie", cookie.header(token)).build();
    }

    /** The same token for scripts: {@code curl -d secret=$SECRET -d name=me -d teams=team-a localhost:8082/local/token}. */
    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@FormParam("secret") String given, @FormParam("name") String name, @FormParam("teams") String teams) {
        requireEnabled();
        if (given == null || !java.security.MessageDigest.isEqual(secret, given.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw refusal(401, "bad_secret", "Send the local sign-in secret that deploy/local/run.sh printed, as the form field secret");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw refusal(400, "bad_name", "name is 1 to 64 letters, digits or @._+-");
        }
        Set<String> groups = new LinkedHashSet<>();
        Arrays.stream(teams == null ? new String[0] : teams.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .forEach(groups::add);
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).audience(audience).subject(name).upn(name).groups(groups).issuedAt(now)
                .expiresAt(now.plus(cookie.maxAge())).jws().keyId("local").sign(keys.getPrivate());
    }

    @POST
    @Path("sign-out")
    public Response signOut() {
        requireEnabled();
        return Response.seeOther(URI.create("/local/sign-in")).header("Set-Cookie", cookie.clearingHeader()).build();
    }

    /** The public key the token verification fetches (quarkus.oidc.jwks-path in the local profile). */
    @GET
    @Path("jwks")
    @Produces(MediaType.APPLICATION_JSON)
    public String jwks() {
        requireEnabled();
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"local\",\"n\":\""
                + base64.encodeToString(unsigned(key.getModulus().toByteArray())) + "\",\"e\":\""
                + base64.encodeToString(unsigned(key.getPublicExponent().toByteArray())) + "\"}]}";
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static jakarta.ws.rs.WebApplicationException refusal(int status, String error, String message) {
        return new jakarta.ws.rs.WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new dev.agentservices.common.http.ErrorBody(error, message)).build());
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }
}

package dev.agentservices.dashboard.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The browser's session cookie: it carries an access token of the dashboard's issuer, so SSE and the
 * terminal WebSocket (which cannot send an Authorization header) are signed in too. Always HttpOnly and
 * SameSite; Secure unless turned off for plain-HTTP local mode.
 */
@ConfigMapping(prefix = "dashboard.session-cookie")
public interface SessionCookie {

    @WithDefault("agent_services_session")
    String name();

    /** Sent only over HTTPS (browsers treat http://localhost as secure too). */
    @WithDefault("true")
    boolean secure();

    /** {@code Strict} or {@code Lax}. */
    @WithDefault("Strict")
    String sameSite();

    /** How long the browser keeps it; the token's own expiry still applies. */
    @WithDefault("8h")
    Duration maxAge();

    /** The Set-Cookie header value for a token. */
    default String header(String token) {
        return name() + "=" + token + "; Path=/; Max-Age=" + maxAge().toSeconds() + "; HttpOnly; SameSite=" + sameSite()
                + (secure() ? "; Secure" : "");
    }

    /** The Set-Cookie header value that removes it. */
    default String clearingHeader() {
        return name() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=" + sameSite() + (secure() ? "; Secure" : "");
    }
}

package dev.agentservices.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Local mode stays on this machine: with {@code local.only} (the {@code local} profile sets it, and binds
 * every service to 127.0.0.1) a request whose {@code Host} is not localhost, 127.0.0.1 or [::1] is refused
 * with 403, so a web page elsewhere cannot reach the services through DNS rebinding (a name of its own that
 * resolves to 127.0.0.1).
 */
@Singleton
public class LocalOnly {

    static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final boolean enabled;

    public LocalOnly(@ConfigProperty(name = "local.only", defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    void guard(@Observes Router router) {
        if (enabled) {
            router.route().order(Integer.MIN_VALUE).handler(this::check);
        }
    }

    private void check(RoutingContext context) {
        if (isLocal(authority(context))) {
            context.next();
            return;
        }
        context.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"error\":\"not_local\",\"message\":\"Local mode answers only requests to localhost, 127.0.0.1 or [::1]\"}");
    }

    /**
     * The host the request was sent to: the {@code Host} header in HTTP/1.1, {@code :authority} in HTTP/2 (Java's
     * HTTP client upgrades to h2c, and then sends no {@code Host} header at all).
     */
    private static String authority(RoutingContext context) {
        io.vertx.core.net.HostAndPort authority = context.request().authority();
        if (authority == null) {
            return context.request().getHeader(HttpHeaders.HOST);
        }
        String host = authority.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return authority.port() >= 0 ? host + ":" + authority.port() : host;
    }

    /** Whether a {@code Host} header names this machine (its port aside). */
    static boolean isLocal(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.startsWith("[") ? name.indexOf(']') + 1 : name.indexOf(':');
        if (colon > 0 && colon < name.length()) {
            if (name.charAt(colon) != ':' || !name.substring(colon + 1).matches("[0-9]{1,5}")) {
                return false;
            }
            name = name.substring(0, colon);
        }
        return LOCAL_HOSTS.contains(name);
    }
}

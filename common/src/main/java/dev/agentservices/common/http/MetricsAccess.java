package dev.agentservices.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Metrics are not public: {@code /q/metrics} answers only {@code Authorization: Bearer <METRICS_TOKEN>}
 * (compared in constant time), so Prometheus scrapes with the token and nobody else reads the counters.
 * Without a token configured nobody does. Health ({@code /q/health}) stays open for the probes.
 */
@Singleton
public class MetricsAccess {

    private final Optional<byte[]> expected;

    public MetricsAccess(@ConfigProperty(name = "metrics.token") Optional<String> token) {
        this.expected = token.filter(t -> !t.isBlank()).map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    void guard(@Observes Router router) {
        router.route("/q/metrics").order(Integer.MIN_VALUE).handler(this::check);
        router.route("/q/metrics/*").order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (expected.isPresent() && authorization != null
                && MessageDigest.isEqual(expected.get(), authorization.getBytes(StandardCharsets.UTF_8))) {
            context.next();
            return;
        }
        String message = expected.isEmpty() ? "Metrics are off: set METRICS_TOKEN and scrape with it as a bearer token"
                : "Send Authorization: Bearer <METRICS_TOKEN>";
        context.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"error\":\"unauthorized\",\"message\":\"" + message + "\"}");
    }
}

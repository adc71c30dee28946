package dev.agentservices.gateway.http;

import dev.agentservices.common.http.ErrorBody;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a webhook whose declared {@code Content-Length} is over {@code gateway.max-body-size} before its
 * body is read; {@link WebhookBodies#accept} checks chunked bodies once read.
 */
public class BodySizeFilter {

    private final GatewayConfig config;
    private final GatewayMetrics metrics;

    public BodySizeFilter(GatewayConfig config, GatewayMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> limitBodySize(HttpServerRequest request) {
        if (!WebhookEndpoint.isWebhook(request.path())) {
            return Optional.empty();
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long limit = config.maxBodySize().asLongValue();
        if (length != null && parse(length) > limit) {
            WebhookRejection rejection = WebhookBodies.tooLarge(limit);
            metrics.rejected(WebhookEndpoint.sourceOf(request.path()), rejection.error());
            return Optional.of(WebhookRejectionMapper.json(rejection.status(),
                    new ErrorBody(rejection.error(), rejection.getMessage())).build());
        }
        return Optional.empty();
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}

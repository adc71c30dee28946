package dev.agentservices.gateway.http;

import dev.agentservices.common.http.ErrorBody;
import dev.agentservices.common.nats.NatsUnavailableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns rejections and NATS outages into the service's one JSON error shape, and counts them. */
public class WebhookRejectionMapper {

    private static final Logger LOG = Logger.getLogger(WebhookRejectionMapper.class);

    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public WebhookRejectionMapper(GatewayMetrics metrics, GatewayConfig config) {
        this.metrics = metrics;
        this.config = config;
    }

    @ServerExceptionMapper
    public Response rejected(WebhookRejection rejection, UriInfo uri) {
        metrics.rejected(WebhookEndpoint.sourceOf(uri.getPath()), rejection.error());
        LOG.infof("Refused webhook at %s: %d %s", uri.getPath(), rejection.status(), rejection.error());
        return json(rejection.status(), new ErrorBody(rejection.error(), rejection.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response unavailable(NatsUnavailableException e, UriInfo uri) {
        metrics.rejected(WebhookEndpoint.sourceOf(uri.getPath()), "nats_unavailable");
        LOG.warnf("Could not store webhook at %s: %s", uri.getPath(), e.getMessage());
        return json(503, new ErrorBody("nats_unavailable",
                "The webhook could not be stored right now and was not accepted; retry later"))
                .header(HttpHeaders.RETRY_AFTER, Math.max(1, config.retryAfter().toSeconds()))
                .build();
    }

    static Response.ResponseBuilder json(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }
}

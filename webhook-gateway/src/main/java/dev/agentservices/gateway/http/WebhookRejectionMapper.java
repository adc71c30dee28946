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

    /** What the REST layer itself refuses (a method a webhook does not take, say) in the same JSON shape. */
    @ServerExceptionMapper
    public Response refusedByRest(jakarta.ws.rs.WebApplicationException e, UriInfo uri) {
        int status = e.getResponse() == null ? 400 : e.getResponse().getStatus();
        if (status < 400 || status >= 500) {
            return e.getResponse();
        }
        String error = ErrorBody.codeOf(status);
        String message = status == 405 ? "Webhooks are delivered with POST" : e.getMessage() == null ? "The request was refused" : e.getMessage();
        metrics.rejected(WebhookEndpoint.sourceOf(uri.getPath()), error);
        return json(status, new ErrorBody(error, message)).build();
    }

    static Response.ResponseBuilder json(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }
}

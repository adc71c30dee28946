package dev.agentservices.runner.http;

import dev.agentservices.common.http.ErrorBody;
import dev.agentservices.common.session.SessionStoreException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The runner API's errors in the one JSON shape; 503 with {@code Retry-After} when NATS cannot store or
 * read, wherever in the API that happens.
 */
public class RunnerApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(RunnerApiExceptionMapper.class);

    @ServerExceptionMapper
    public Response natsUnavailable(SessionStoreException e) {
        LOG.warnf("Sessions could not be read: %s", e.getMessage());
        return refused(new RunnerApiException(503, "nats_unavailable", "Sessions cannot be read right now; retry later"));
    }

    @ServerExceptionMapper
    public Response refused(RunnerApiException e) {
        LOG.infof("Refused runner request: %d %s", e.status(), e.error());
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(e.error(), e.getMessage()));
        if (e.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, 5);
        }
        if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.build();
    }
}

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

    /**
     * A body the REST layer could not read as the multipart form it claims to be (no closing boundary, a
     * connection cut mid-part) is the caller's mistake: 400, not 500. Other I/O failures stay server errors.
     */
    @ServerExceptionMapper
    public Response unreadable(java.io.IOException e) {
        boolean readingForm = java.util.Arrays.stream(e.getStackTrace()).anyMatch(frame -> frame.getClassName().contains("MultiPartParser")
                || frame.getClassName().endsWith("FormBodyHandler"));
        if (readingForm) {
            return refused(new RunnerApiException(400, "bad_multipart",
                    "The body is not a complete multipart/form-data form; send the file as the form field \"file\""));
        }
        LOG.errorf(e, "I/O failure");
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody("internal_error", "The request could not be handled; retry later")).build();
    }

    /** What the REST layer itself refuses (a method, a media type, a query parameter that is no number) as JSON. */
    @ServerExceptionMapper
    public Response refusedByRest(jakarta.ws.rs.WebApplicationException e) {
        int status = e.getResponse() == null ? 400 : e.getResponse().getStatus();
        if (status < 400 || status >= 500) {
            return e.getResponse();
        }
        String error = ErrorBody.codeOf(status);
        return refused(new RunnerApiException(status, error, e.getMessage() == null ? "The request was refused" : e.getMessage()));
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

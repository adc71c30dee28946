package dev.agentservices.dashboard.connect;

import dev.agentservices.dashboard.api.ApiException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Connect errors, and the API's, as the protocol's JSON body {@code {"code", "message"}} with the mapped HTTP status. */
public class ConnectExceptionMapper {

    /** The Connect protocol's error body. */
    public record ConnectError(String code, String message) {
    }

    @ServerExceptionMapper
    public Response connectError(ConnectException e) {
        return Response.status(e.httpStatus()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ConnectError(e.code(), e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response apiError(ApiException e) {
        return connectError(ConnectException.of(e));
    }
}

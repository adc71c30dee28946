package dev.agentservices.gateway.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The seed's liveness endpoint, unauthenticated; readiness with the NATS check is {@code /q/health/ready}. */
@Path("/healthz")
public class HealthzResource {

    /** The fixed body of {@code /healthz}. */
    public record Status(String status) {
    }

    private static final Status OK = new Status("ok");

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status healthz() {
        return OK;
    }
}

package dev.agentservices.gateway.bench;

import dev.agentservices.gateway.http.GatewayConfig;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /bench/baseline}: reads the body like a webhook endpoint and answers 200 with no work, the first of
 * the two baselines the benchmark compares the webhook endpoints with on the same server and stack (the other is
 * {@link BenchFloorResource}): on the event loop, as the webhook endpoints run (a method that returns a plain
 * {@code Response} would run on a worker thread and pay a hand-off they do not). It answers 404 unless
 * {@code gateway.bench-baseline=true}, which only the benchmark sets.
 */
@Path("/bench/baseline")
public class BenchBaselineResource {

    private final boolean enabled;

    public BenchBaselineResource(GatewayConfig config) {
        this.enabled = config.benchBaseline();
    }

    @POST
    @NonBlocking
    public Response baseline(byte[] body) {
        if (!enabled) {
            throw new NotFoundException();
        }
        return Response.ok().build();
    }
}

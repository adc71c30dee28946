package dev.agentservices.gateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * {@code POST /bench/baseline}: reads the body and answers 200, the floor the benchmark compares the
 * webhook endpoints with on the same server. Registered only when {@code gateway.bench-baseline=true}.
 */
@Singleton
public class BenchBaselineRoute {

    void register(@Observes Router router, GatewayConfig config) {
        if (config.benchBaseline()) {
            router.post("/bench/baseline")
                    .handler(BodyHandler.create().setBodyLimit(config.maxBodySize().asLongValue()))
                    .handler(context -> context.response().setStatusCode(200).end());
        }
    }
}

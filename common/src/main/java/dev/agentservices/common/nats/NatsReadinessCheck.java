package dev.agentservices.common.nats;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN while NATS is disconnected or its streams are not set up yet. */
@Readiness
@Singleton
public class NatsReadinessCheck implements HealthCheck {

    private final NatsConnection nats;

    public NatsReadinessCheck(NatsConnection nats) {
        this.nats = nats;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats")
                .status(nats.isReady())
                .withData("connected", nats.isConnected())
                .build();
    }
}

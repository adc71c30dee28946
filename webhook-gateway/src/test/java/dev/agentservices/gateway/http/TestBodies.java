package dev.agentservices.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.time.Duration;

/** The gateway's body parsing as the fuzz tests call it, outside Quarkus: 1 MiB bodies, the default mapper. */
public final class TestBodies {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TestBodies() {
    }

    public static final WebhookBodies BODIES = new WebhookBodies(MAPPER, new GatewayConfig() {
        @Override
        public MemorySize maxBodySize() {
            return new MemorySize(BigInteger.valueOf(1024 * 1024));
        }

        @Override
        public MemorySize maxEnvelopeSize() {
            return new MemorySize(BigInteger.valueOf(960 * 1024));
        }

        @Override
        public Duration ackTimeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration retryAfter() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration slackTimestampTolerance() {
            return Duration.ofMinutes(5);
        }

        @Override
        public boolean benchBaseline() {
            return false;
        }
    });

}

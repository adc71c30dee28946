package dev.agentservices.gateway.bench;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.gateway.GatewayTestProfile;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The benchmark's two baselines, served only when the benchmark turns them on. */
@QuarkusTest
@TestProfile(BenchEndpointsTest.BenchProfile.class)
@Tag("component")
class BenchEndpointsTest {

    /** The gateway as {@code deploy/bench/gateway.sh} starts it. */
    public static class BenchProfile extends GatewayTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("gateway.bench-baseline", "true");
            return overrides;
        }
    }

    @Test
    void bareEndpointAnswers200() {
        given().body("{}").post("/bench/baseline").then().statusCode(200);
    }

    @Test
    void floorStoresEachBodyAsItCameOnItsOwnStreamBeforeAnswering() throws InterruptedException {
        // 503 until the gateway has set up the floor's stream
        await().atMost(Duration.ofSeconds(10)).until(() -> given().body("{}").post("/bench/floor").statusCode() == 200);
        try (JetStreamProbe floor = new JetStreamProbe(NatsTestServer.url(), BenchFloorStream.NAME)) {
            assertStoredOnce(floor);
        }
    }

    private static void assertStoredOnce(JetStreamProbe floor) {
        long mark = floor.lastSequence();
        byte[] body = "{\"type\":\"event_callback\",\"text\":\"ünï\"}".getBytes(StandardCharsets.UTF_8);

        given().body(body).post("/bench/floor").then().statusCode(200);
        given().body(body).post("/bench/floor").then().statusCode(200);

        List<MessageInfo> stored = floor.messagesAfter(mark);
        assertEquals(2, stored.size());
        assertEquals(BenchFloorStream.SUBJECT, stored.get(0).getSubject());
        assertArrayEquals(body, stored.get(0).getData());
        // each request is a message of its own, as each webhook is: ids that differ, so JetStream keeps both
        assertNotEquals(stored.get(0).getHeaders().getFirst("Nats-Msg-Id"), stored.get(1).getHeaders().getFirst("Nats-Msg-Id"));
    }
}

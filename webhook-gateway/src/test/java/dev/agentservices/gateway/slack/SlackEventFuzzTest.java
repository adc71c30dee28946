package dev.agentservices.gateway.slack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentservices.gateway.http.TestBodies;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookRejection;

/**
 * Coverage-guided fuzzing (Jazzer) of the gateway's Slack Events API parser: any bytes either parse or are
 * refused with a {@link WebhookRejection} (a 4xx), never another exception (a 5xx). Without
 * {@code JAZZER_FUZZ} the test replays its inputs in {@code src/test/resources}; deploy/test.sh fuzzes it
 * for a bounded time (one fuzz target per class: Jazzer fuzzes one per JVM).
 */
class SlackEventFuzzTest {

    private static final WebhookBodies BODIES = TestBodies.BODIES;

    @FuzzTest(maxDuration = "10s")
    void anEventsApiBodyParsesOrIsRefused(byte[] body) {
        try {
            SlackEventPayload payload = BODIES.json(body, SlackEventPayload.class);
            if (payload.event() != null) {
                payload.event().threadRoot();
            }
        } catch (WebhookRejection expected) {
            // a 4xx
        }
    }
}

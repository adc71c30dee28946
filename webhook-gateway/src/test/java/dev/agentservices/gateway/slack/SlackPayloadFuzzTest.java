package dev.agentservices.gateway.slack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentservices.gateway.http.TestBodies;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookRejection;

/**
 * Coverage-guided fuzzing (Jazzer) of the gateway's Slack parsers: any bytes as an Events API body and any
 * JSON as a Block Kit action either parse or are refused with a {@link WebhookRejection} (a 4xx), never
 * another exception (a 5xx). Without {@code JAZZER_FUZZ} the tests replay their inputs in
 * {@code src/test/resources}; deploy/test.sh fuzzes each for a bounded time.
 */
class SlackPayloadFuzzTest {

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

    @FuzzTest(maxDuration = "10s")
    void anInteractionPayloadParsesOrIsRefused(byte[] body) {
        try {
            JsonNode tree = BODIES.json(body, JsonNode.class);
            InteractionPayload payload = BODIES.convert(tree, InteractionPayload.class);
            payload.threadRoot();
            payload.dedupKey();
            InteractionSummary.of(tree.path("user"), tree.path("actions").path(0));
        } catch (WebhookRejection expected) {
            // a 4xx
        }
    }
}

package dev.agentservices.gateway.slack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentservices.gateway.http.TestBodies;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookRejection;

/**
 * Coverage-guided fuzzing (Jazzer) of the interactivity payload and its one-line summary of the Block Kit
 * action: any bytes either parse or are refused with a {@link WebhookRejection}, never another exception.
 */
class BlockKitActionFuzzTest {

    private static final WebhookBodies BODIES = TestBodies.BODIES;

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

package dev.agentservices.gateway.jira;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentservices.gateway.http.TestBodies;
import dev.agentservices.gateway.http.WebhookRejection;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of the Jira parser: any bytes as a Jira webhook either parse (and what
 * it means for an agent, and its comment's text from Atlassian's document format, can be read) or are
 * refused with a {@link WebhookRejection}, never another exception.
 */
class JiraPayloadFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void aJiraWebhookParsesOrIsRefused(byte[] body) {
        try {
            JiraWebhookPayload payload = TestBodies.BODIES.json(body, JiraWebhookPayload.class);
            JiraEvent.classify(payload, "5b10ac8d82e05b22cc7d4ef5", Set.of("5b10ac8d82e05b22cc7d4ef5"));
            if (payload.comment() != null) {
                JiraWebhookPayload.text(payload.comment().body());
            }
        } catch (WebhookRejection expected) {
            // a 4xx
        }
    }
}

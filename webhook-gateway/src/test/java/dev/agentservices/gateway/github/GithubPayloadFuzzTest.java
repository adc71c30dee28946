package dev.agentservices.gateway.github;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentservices.gateway.http.WebhookRejection;

/**
 * Coverage-guided fuzzing (Jazzer) of the GitHub parser: any bytes as an {@code issue_comment} either parse
 * (and its mention and author can be read) or are refused with a {@link WebhookRejection}, never another
 * exception.
 */
class GithubPayloadFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anIssueCommentParsesOrIsRefused(byte[] body) {
        try {
            IssueCommentPayload payload = dev.agentservices.gateway.http.TestBodies.BODIES.json(body, IssueCommentPayload.class);
            if (payload.comment() != null && payload.comment().body() != null) {
                Mentions.mentions(payload.comment().body(), "bucky");
            }
            if (payload.comment() != null && payload.repository() != null && payload.repository().fullName() != null
                    && payload.repository().fullName().contains("/")) {
                GithubWebhookResource.outsider(payload, new dev.agentservices.common.agent.Agent.GithubApp(
                        dev.agentservices.common.signature.Secret.of("s"), "bucky", java.util.Optional.empty()));
            }
        } catch (WebhookRejection expected) {
            // a 4xx
        }
    }
}

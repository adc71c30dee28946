package dev.agentservices.gateway.jira;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import dev.agentservices.gateway.WebhooksStream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class JiraWebhookResourceTest {

    private static final String PATH = "/webhooks/jira";

    @RegisterExtension
    final WebhooksStream stream = new WebhooksStream();

    @Test
    void assignmentToTheAgentIsStoredWithTheIssuesSessionKey() {
        String identifier = UUID.randomUUID().toString();
        String body = assignment("OPS-7", GatewayTestProfile.BUCK_JIRA_ACCOUNT);

        signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).header("X-Atlassian-Webhook-Identifier", identifier)
                .post(PATH).then().statusCode(200);

        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("webhooks.buck.jira", stored.subject());
        assertEquals("buck:jira:" + dev.agentservices.gateway.http.Deliveries.sha256(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                stored.msgId(), "the signed body's hash, not the unsigned identifier");
        assertEquals("buck:jira:OPS-7", stored.envelope().get("sessionKey").asText());
        assertEquals("jira:issue_updated", stored.envelope().get("eventType").asText());
        assertEquals(identifier, stored.envelope().get("headers").get("X-Atlassian-Webhook-Identifier").asText());
        var event = stored.envelope().get("event");
        assertEquals(true, event.get("opensSession").asBoolean(), "an assignment opens the issue's session");
        assertEquals("OPS-7", event.get("origin").get("jiraIssueKey").asText());
        assertEquals("Fix the flaky test\n\nIt fails on Mondays.", event.get("message").get("text").asText(),
                "summary and description (an Atlassian document here) make the prompt");
        assertEquals("OPS-7: Fix the flaky test", event.get("title").asText());
        assertEquals("557058:ana", event.get("message").get("author").asText());
    }

    @Test
    void jiraRetryWithTheSameIdentifierIsStoredOnce() {
        String identifier = UUID.randomUUID().toString();
        String body = comment("OPS-8", "557058:ana");

        signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).header("X-Atlassian-Webhook-Identifier", identifier)
                .post(PATH).then().statusCode(200);
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).header("X-Atlassian-Webhook-Identifier", identifier)
                .header("X-Atlassian-Webhook-Retry", "1").post(PATH).then().statusCode(200);

        assertEquals("buck:jira:OPS-8", stream.onlyOneSinceMark().envelope().get("sessionKey").asText());
    }

    @Test
    void oneSignedBodySentWithThreeIdentifiersIsStoredOnce() {
        String body = comment("OPS-10", "557058:" + UUID.randomUUID());
        for (int i = 0; i < 3; i++) {
            signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).header("X-Atlassian-Webhook-Identifier", UUID.randomUUID().toString())
                    .post(PATH).then().statusCode(200);
        }
        stream.onlyOneSinceMark();
    }

    @Test
    void withoutAnIdentifierTheBodyHashDeduplicates() {
        String body = comment("OPS-9", "557058:" + UUID.randomUUID());

        signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).post(PATH).then().statusCode(200);
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, body).post(PATH).then().statusCode(200);

        stream.onlyOneSinceMark();
    }

    @Test
    void perAgentSecretNamesTheAgent() {
        signed(GatewayTestProfile.DOLLY_JIRA_SECRET, assignment("DATA-1", GatewayTestProfile.DOLLY_JIRA_ACCOUNT))
                .post(PATH).then().statusCode(200);

        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("webhooks.dolly.jira", stored.subject());
        assertEquals("dolly:jira:DATA-1", stored.envelope().get("sessionKey").asText());
    }

    @Test
    void secretAsTokenIsAcceptedForUnsignedWebhooks() {
        given().contentType("application/json").queryParam("token", GatewayTestProfile.BUCK_JIRA_SECRET)
                .body(comment("OPS-10", "557058:" + UUID.randomUUID())).post(PATH).then().statusCode(200);
        given().contentType("application/json").header("Authorization", "Bearer " + GatewayTestProfile.DOLLY_JIRA_SECRET)
                .body(comment("DATA-2", "557058:" + UUID.randomUUID())).post(PATH).then().statusCode(200);

        var stored = stream.sinceMark();
        assertEquals(2, stored.size());
        assertEquals("buck:jira:OPS-10", stored.get(0).envelope().get("sessionKey").asText());
        assertEquals("dolly:jira:DATA-2", stored.get(1).envelope().get("sessionKey").asText());
    }

    @Test
    void theAgentsOwnCommentIsDropped() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, comment("OPS-11", GatewayTestProfile.BUCK_JIRA_ACCOUNT))
                .post(PATH).then().statusCode(200);
        stream.assertNothingSinceMark();
    }

    @Test
    void anotherAgentsCommentIsDroppedSoTwoAgentsNeverAnswerEachOther() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, comment("OPS-12", GatewayTestProfile.DOLLY_JIRA_ACCOUNT))
                .post(PATH).then().statusCode(200);
        signed(GatewayTestProfile.DOLLY_JIRA_SECRET, comment("OPS-12", GatewayTestProfile.BUCK_JIRA_ACCOUNT))
                .post(PATH).then().statusCode(200);
        stream.assertNothingSinceMark();
        signed(GatewayTestProfile.DOLLY_JIRA_SECRET, comment("OPS-12", "557058:ana")).post(PATH).then().statusCode(200);
        assertEquals(1, stream.sinceMark().size());
    }

    @Test
    void assignmentToSomeoneElseIsIgnored() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, assignment("OPS-12", "557058:someone-else"))
                .post(PATH).then().statusCode(200);
        stream.assertNothingSinceMark();
    }

    @Test
    void missingSignatureAndTokenIs401() {
        given().contentType("application/json").body(comment("OPS-13", "557058:ana")).post(PATH)
                .then().statusCode(401).body("error", equalTo("missing_signature"));
        stream.assertNothingSinceMark();
    }

    @Test
    void wrongSignatureIs401() {
        signed("not-a-jira-secret", comment("OPS-14", "557058:ana")).post(PATH)
                .then().statusCode(401).body("error", equalTo("bad_signature"));
        given().contentType("application/json").queryParam("token", "guess").body(comment("OPS-14", "557058:ana"))
                .post(PATH).then().statusCode(401).body("error", equalTo("bad_signature"));
        stream.assertNothingSinceMark();
    }

    @Test
    void malformedJsonIs400() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, "{\"webhookEvent\":").post(PATH)
                .then().statusCode(400).body("error", equalTo("malformed_json"));
        stream.assertNothingSinceMark();
    }

    @Test
    void commentWithoutIssueKeyIs400() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, "{\"webhookEvent\":\"comment_created\",\"comment\":{\"id\":\"1\"}}")
                .post(PATH).then().statusCode(400).body("error", equalTo("missing_issue_key"));
        stream.assertNothingSinceMark();
    }

    @Test
    void formBodyIs415() {
        signed(GatewayTestProfile.BUCK_JIRA_SECRET, "a=b").contentType("application/x-www-form-urlencoded")
                .post(PATH).then().statusCode(415).body("error", equalTo("unsupported_media_type"));
        stream.assertNothingSinceMark();
    }

    static String assignment(String issueKey, String assigneeAccountId) {
        return "{\"timestamp\":1712345678000,\"webhookEvent\":\"jira:issue_updated\",\"issue_event_type_name\":\"issue_assigned\","
                + "\"user\":{\"accountId\":\"557058:ana\"},\"issue\":{\"id\":\"10001\",\"key\":\"" + issueKey + "\","
                + "\"fields\":{\"summary\":\"Fix the flaky test\",\"description\":{\"type\":\"doc\",\"content\":[{\"type\":"
                + "\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"It fails on Mondays.\"}]}]},\"assignee\":{\"accountId\":\"" + assigneeAccountId + "\"}}},"
                + "\"changelog\":{\"id\":\"1\",\"items\":[{\"field\":\"assignee\",\"fieldtype\":\"jira\",\"fieldId\":\"assignee\","
                + "\"from\":null,\"fromString\":null,\"to\":\"" + assigneeAccountId + "\",\"toString\":\"Buck\"}]}}";
    }

    static String comment(String issueKey, String authorAccountId) {
        return "{\"timestamp\":1712345678000,\"webhookEvent\":\"comment_created\",\"issue\":{\"id\":\"10002\",\"key\":\""
                + issueKey + "\",\"fields\":{\"summary\":\"s\"}},\"comment\":{\"id\":\"" + UUID.randomUUID()
                + "\",\"body\":\"Can you also update the docs?\",\"author\":{\"accountId\":\"" + authorAccountId + "\"}}}";
    }

    private static RequestSpecification signed(String secret, String body) {
        return given().contentType("application/json").header("X-Hub-Signature", Signing.hub(secret, body)).body(body);
    }
}

package dev.agentservices.gateway.slack;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import dev.agentservices.gateway.WebhooksStream;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class SlackEventsResourceTest {

    private static final String PATH = "/webhooks/slack/events";

    @RegisterExtension
    final WebhooksStream stream = new WebhooksStream();

    @Inject
    InMemorySpanExporter spans;

    @Test
    void signedMentionIsStoredOnceWithItsEnvelope() {
        String eventId = "Ev" + UUID.randomUUID();
        String body = mention(eventId, "A0BUCK", "C0123", "1712345678.000100", null);

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200).body(emptyString());

        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("webhooks.buck.slack", stored.subject());
        assertEquals("buck:slack:" + eventId, stored.msgId());
        assertEquals(2, stored.envelope().get("v").asInt());
        assertEquals("buck", stored.envelope().get("agent").asText());
        assertEquals("slack", stored.envelope().get("source").asText());
        assertEquals("buck:slack:" + eventId, stored.envelope().get("dedupId").asText());
        assertEquals("buck:slack:C0123:1712345678.000100", stored.envelope().get("sessionKey").asText());
        assertEquals("app_mention", stored.envelope().get("eventType").asText());
        // the event as read at the door: the worker does not parse Slack's payload again
        var event = stored.envelope().get("event");
        assertEquals(true, event.get("opensSession").asBoolean());
        assertEquals("C0123", event.get("origin").get("slackChannel").asText());
        assertEquals("1712345678.000100", event.get("origin").get("slackThreadTs").asText());
        assertEquals("please fix the build", event.get("title").asText());
        assertEquals("U0ANA", event.get("message").get("author").asText());
        assertEquals("<@U0BUCK> please fix the build", event.get("message").get("text").asText());
        assertEquals("1712345678.000100", event.get("message").get("ref").asText());
        assertEquals("slack:buck:C0123:1712345678.000100", event.get("applyId").asText());
    }

    @Test
    void aMentionSentWithATraceparentIsStoredInThatTraceUnderTheGatewaysSpan() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345678.000150", null);

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .post(PATH).then().statusCode(200);

        String[] stored = stream.onlyOneSinceMark().traceparent().split("-");
        assertEquals(traceId, stored[1], "the webhook's trace goes on in the stored message");
        assertNotEquals("00f067aa0ba902b7", stored[2], "the parent is the gateway's own span");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(
                List.of(traceId), spans.getFinishedSpanItems().stream().filter(span -> span.getSpanId().equals(stored[2]))
                        .map(SpanData::getTraceId).toList()));
    }

    @Test
    void aMentionWithoutTraceContextStartsATrace() {
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345678.000160", null);

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);

        String traceparent = stream.onlyOneSinceMark().traceparent();
        assertTrue(traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")
                && !traceparent.startsWith("00-00000000000000000000000000000000"), "a new trace: " + traceparent);
    }

    @Test
    void aMentionWhoseStoredEnvelopeWouldNotFitInOneNatsMessageIs413AndNotStored() {
        // under the body limit (64 KiB in tests), over what one stored envelope may hold (16 KiB in tests)
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345678.000900", null)
                .replace("please fix the build", "x".repeat(20_000));
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(413)
                .body("error", equalTo("body_too_large")).body("message", org.hamcrest.Matchers.containsString("as stored"));
        stream.assertNothingSinceMark();
    }

    @Test
    void theAgentsOwnMessagesOtherBotsEditsAndUnthreadedChatterAreAnswered200AndNotStored() {
        String thread = "1712345678.000100";
        String reply = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345999.000300", thread)
                .replace("\"app_mention\"", "\"message\"");
        for (String ignored : List.of(
                reply.replace("\"user\":\"U0ANA\"", "\"user\":\"" + GatewayTestProfile.BUCK_BOT_USER + "\""),
                reply.replace("\"user\":\"U0ANA\"", "\"user\":\"U0ANA\",\"bot_id\":\"B0OTHER\""),
                reply.replace("\"type\":\"message\"", "\"type\":\"message\",\"subtype\":\"message_changed\""),
                mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345999.000400", null)
                        .replace("\"app_mention\"", "\"message\""))) {
            signed(GatewayTestProfile.BUCK_SLACK_SECRET, ignored.replace("\"event_id\":\"", "\"event_id\":\"x" + UUID.randomUUID()))
                    .post(PATH).then().statusCode(200);
        }
        stream.assertNothingSinceMark();
    }

    @Test
    void threadReplyCarriesTheThreadsSessionKey() {
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345999.000200", "1712345678.000100")
                .replace("\"app_mention\"", "\"message\"");

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);

        var stored = stream.onlyOneSinceMark().envelope();
        assertEquals("buck:slack:C0123:1712345678.000100", stored.get("sessionKey").asText());
        assertEquals(false, stored.get("event").get("opensSession").asBoolean(), "a reply only continues a session");
    }

    @Test
    void aThreadReplyAlsoSentToTheChannelIsAFollowUpToo() {
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345999.000250", "1712345678.000100")
                .replace("\"type\":\"app_mention\"", "\"type\":\"message\",\"subtype\":\"thread_broadcast\"");

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);

        var stored = stream.onlyOneSinceMark().envelope();
        assertEquals("buck:slack:C0123:1712345678.000100", stored.get("sessionKey").asText());
        assertEquals(false, stored.get("event").get("opensSession").asBoolean());
    }

    @Test
    void theSigningSecretThatMatchesNamesTheAgent() {
        String eventId = "Ev" + UUID.randomUUID();
        signed(GatewayTestProfile.DOLLY_SLACK_SECRET, mention(eventId, "A0DOLLY", "C9", "1.2", null)).post(PATH)
                .then().statusCode(200);

        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("webhooks.dolly.slack", stored.subject());
        assertEquals("dolly:slack:" + eventId, stored.msgId());
    }

    @Test
    void slackRetriesOfOneEventAreStoredOnce() {
        String body = mention("Ev" + UUID.randomUUID(), "A0BUCK", "C0123", "1712345678.000300", null);

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);
        for (int retry = 1; retry <= 2; retry++) {
            signed(GatewayTestProfile.BUCK_SLACK_SECRET, body)
                    .header("X-Slack-Retry-Num", retry).header("X-Slack-Retry-Reason", "http_timeout")
                    .post(PATH).then().statusCode(200);
        }

        stream.onlyOneSinceMark();
    }

    @Test
    void urlVerificationIsAnsweredWithItsChallengeAndNotStored() {
        String body = "{\"token\":\"t\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}";

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200)
                .body("challenge", equalTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
        stream.assertNothingSinceMark();
    }

    @Test
    void otherEventTypesAreAcknowledgedButNotStored() {
        String body = "{\"type\":\"event_callback\",\"event_id\":\"Ev" + UUID.randomUUID()
                + "\",\"api_app_id\":\"A0BUCK\",\"event\":{\"type\":\"reaction_added\",\"user\":\"U1\"}}";

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);
        stream.assertNothingSinceMark();
    }

    @Test
    void missingSignatureIs401() {
        given().contentType("application/json").body(mention("Ev1", "A0BUCK", "C1", "1.1", null)).post(PATH)
                .then().statusCode(401).body("error", equalTo("missing_signature"))
                .body("message", containsString("X-Slack-Signature"));
        stream.assertNothingSinceMark();
    }

    @Test
    void wrongSignatureIs401() {
        signed("not-the-secret", mention("Ev2", "A0BUCK", "C1", "1.1", null)).post(PATH)
                .then().statusCode(401).body("error", equalTo("bad_signature"));
        stream.assertNothingSinceMark();
    }

    @Test
    void staleTimestampIs401() {
        String body = mention("Ev3", "A0BUCK", "C1", "1.1", null);
        long stale = Signing.now() - 6 * 60;
        given().contentType("application/json").header("X-Slack-Request-Timestamp", stale)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, stale, body))
                .body(body).post(PATH)
                .then().statusCode(401).body("error", equalTo("stale_timestamp"));
        stream.assertNothingSinceMark();
    }

    @Test
    void futureTimestampIs401() {
        String body = mention("Ev4", "A0BUCK", "C1", "1.1", null);
        long future = Signing.now() + 6 * 60;
        given().contentType("application/json").header("X-Slack-Request-Timestamp", future)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, future, body))
                .body(body).post(PATH)
                .then().statusCode(401).body("error", equalTo("stale_timestamp"));
        stream.assertNothingSinceMark();
    }

    @Test
    void eventForAnotherAppIs401UnknownAgent() {
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, mention("Ev5", "A0SOMEONE", "C1", "1.1", null)).post(PATH)
                .then().statusCode(401).body("error", equalTo("unknown_agent"));
        stream.assertNothingSinceMark();
    }

    @Test
    void malformedJsonIs400() {
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, "{\"type\":\"event_callback\",").post(PATH)
                .then().statusCode(400).body("error", equalTo("malformed_json"));
        stream.assertNothingSinceMark();
    }

    @Test
    void eventWithoutEventIdIs400() {
        String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0BUCK\",\"event\":{\"type\":\"app_mention\",\"channel\":\"C1\",\"ts\":\"1.1\"}}";
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH)
                .then().statusCode(400).body("error", equalTo("missing_event_id"));
        stream.assertNothingSinceMark();
    }

    @Test
    void wrongContentTypeIs415() {
        String body = mention("Ev6", "A0BUCK", "C1", "1.1", null);
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).contentType("text/plain").post(PATH)
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"))
                .body("message", containsString("application/json"));
        stream.assertNothingSinceMark();
    }

    @Test
    void bodyOverTheLimitIs413() {
        String body = mention("Ev7", "A0BUCK", "C1", "1.1", null).replace("<@U0BUCK> please", "x".repeat(70_000));
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH)
                .then().statusCode(413).body("error", equalTo("body_too_large"));
        stream.assertNothingSinceMark();
    }

    @Test
    void aPayloadWithoutTheAgentsAppIdIs401() {
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, mention("Ev" + UUID.randomUUID(), "A0BUCK", "C1", "1.1", null)
                .replace(",\"api_app_id\":\"A0BUCK\"", "")).post(PATH).then().statusCode(401).body("error", equalTo("missing_app_id"));
        stream.assertNothingSinceMark();
    }

    @Test
    void onlyTheAllowedWorkspacesAndNoSharedChannelStartWorkAndTheOutsidersInOursAreToldOnce() {
        String pearl = GatewayTestProfile.PEARL_SLACK_SECRET;
        signed(pearl, mention("Ev" + UUID.randomUUID(), "A0PEARL", "C1", "2.1", null).replace("T0001", "T0EVIL"))
                .post(PATH).then().statusCode(200);
        stream.assertNothingSinceMark(); // a workspace the agent does not serve: not even an answer

        signed(pearl, mention("Ev" + UUID.randomUUID(), "A0PEARL", "C1", "2.2", null)
                .replace("\"type\":\"event_callback\",", "\"type\":\"event_callback\",\"is_ext_shared_channel\":true,"))
                .post(PATH).then().statusCode(200);
        for (String ts : List.of("2.3", "2.31")) { // twice in one thread: one answer
            signed(pearl, mention("Ev" + UUID.randomUUID(), "A0PEARL", "C1", ts, "2.3")
                    .replace("\"user\":\"U0ANA\",", "\"user\":\"U0EVE\",\"user_team\":\"T0EVIL\","))
                    .post(PATH).then().statusCode(200);
        }
        List<WebhooksStream.Stored> notices = stream.sinceMark();
        assertEquals(2, notices.size(), notices.toString());
        assertEquals(List.of("pearl:slack:outsider:C1:2.2:U0ANA", "pearl:slack:outsider:C1:2.3:U0EVE"),
                notices.stream().map(WebhooksStream.Stored::msgId).toList());
        assertEquals(List.of("shared_channel", "workspace"), notices.stream()
                .map(stored -> stored.envelope().path("event").path("title").asText()).toList());
        for (WebhooksStream.Stored notice : notices) {
            assertEquals("outsider_mention", notice.envelope().path("eventType").asText());
            assertEquals("", notice.envelope().path("event").path("message").path("text").asText(), "none of their text is kept");
            assertFalse(notice.envelope().toString().contains("please"), notice.envelope().toString());
        }

        stream.mark();
        signed(pearl, mention("Ev" + UUID.randomUUID(), "A0PEARL", "C1", "2.4", null)).post(PATH).then().statusCode(200);
        signed(pearl, mention("Ev" + UUID.randomUUID(), "A0PEARL", "C1", "2.5", null)
                .replace("\"team_id\":\"T0001\"", "\"team_id\":\"T0OTHER\",\"enterprise_id\":\"E0ACME\""))
                .post(PATH).then().statusCode(200);
        assertEquals(2, stream.sinceMark().size());
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        String body = mention("Ev8", "A0BUCK", "C1", "1.1", null).replace("<@U0BUCK> please", "x".repeat(70_000));
        long timestamp = Signing.now();
        given().contentType("application/json")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, body))
                .body(new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .post(PATH)
                .then().statusCode(413).body("error", equalTo("body_too_large"));
        stream.assertNothingSinceMark();
    }

    static String mention(String eventId, String appId, String channel, String ts, String threadTs) {
        return "{\"token\":\"legacy\",\"team_id\":\"T0001\",\"api_app_id\":\"" + appId + "\",\"type\":\"event_callback\","
                + "\"event_id\":\"" + eventId + "\",\"event_time\":1712345678,\"event\":{\"type\":\"app_mention\","
                + "\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please fix the build\",\"ts\":\"" + ts + "\",\"channel\":\"" + channel + "\""
                + (threadTs == null ? "" : ",\"thread_ts\":\"" + threadTs + "\"") + ",\"event_ts\":\"" + ts + "\"}}";
    }

    static RequestSpecification signed(String secret, String body) {
        long timestamp = Signing.now();
        return given().contentType("application/json")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(secret, timestamp, body))
                .body(body);
    }
}

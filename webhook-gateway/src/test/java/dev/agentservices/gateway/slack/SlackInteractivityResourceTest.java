package dev.agentservices.gateway.slack;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import dev.agentservices.gateway.WebhooksStream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class SlackInteractivityResourceTest {

    private static final String PATH = "/webhooks/slack/interactivity";
    private static final String FORM = "application/x-www-form-urlencoded";

    @RegisterExtension
    final WebhooksStream stream = new WebhooksStream();

    @Test
    void buttonClickIsStoredWithTheThreadsSessionKey() {
        String actionTs = actionTs();
        String body = form(blockActions(actionTs, "1712345680.000500", "1712345678.000100"));

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);

        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("webhooks.buck.interactivity", stored.subject());
        assertEquals("buck:interactivity:" + actionTs + ":U0ANA:C0123:1712345680.000500", stored.msgId());
        assertEquals("buck:slack:C0123:1712345678.000100", stored.envelope().get("sessionKey").asText());
        assertEquals("block_actions", stored.envelope().get("eventType").asText());
        var event = stored.envelope().get("event");
        assertEquals(false, event.get("opensSession").asBoolean(), "a click only continues a session");
        assertEquals("ana chose *Deploy to staging* (action `approve`)", event.get("message").get("text").asText());
        assertEquals("U0ANA", event.get("message").get("author").asText());
        assertEquals(stored.msgId(), event.get("applyId").asText());
    }

    @Test
    void theSameClickDeliveredTwiceIsStoredOnce() {
        String body = form(blockActions(actionTs(), "1712345680.000600", null));

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, body).post(PATH).then().statusCode(200);

        assertEquals("buck:slack:C0123:1712345680.000600", stream.onlyOneSinceMark().envelope().get("sessionKey").asText());
    }

    @Test
    void signatureIsCheckedOverTheRawBytesNotARecodedForm() {
        String json = blockActions(actionTs(), "1.1", null).replace("Deploy to staging", "Deploy * it's ~ready");
        String raw = "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8).replace("*", "%2A");
        String recoded = "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);

        long timestamp = Signing.now();
        given().config(rawForm()).contentType(FORM)
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, raw))
                .body(recoded).post(PATH)
                .then().statusCode(401).body("error", equalTo("bad_signature"));
        stream.assertNothingSinceMark();

        signed(GatewayTestProfile.BUCK_SLACK_SECRET, raw).post(PATH).then().statusCode(200);
        assertEquals("ana chose *Deploy * it's ~ready* (action `approve`)",
                stream.onlyOneSinceMark().envelope().get("event").get("message").get("text").asText());
    }

    @Test
    void wrongSignatureIs401() {
        signed("wrong", form(blockActions(actionTs(), "1.1", null))).post(PATH)
                .then().statusCode(401).body("error", equalTo("bad_signature"));
        stream.assertNothingSinceMark();
    }

    @Test
    void formWithoutPayloadIs400() {
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, "token=abc&team=T1").post(PATH)
                .then().statusCode(400).body("error", equalTo("malformed_form"));
        stream.assertNothingSinceMark();
    }

    @Test
    void payloadThatIsNotJsonIs400() {
        signed(GatewayTestProfile.BUCK_SLACK_SECRET, "payload=%7Bnot-json").post(PATH)
                .then().statusCode(400).body("error", equalTo("malformed_json"));
        stream.assertNothingSinceMark();
    }

    @Test
    void jsonInsteadOfAFormIs415() {
        String body = blockActions(actionTs(), "1.1", null);
        long timestamp = Signing.now();
        given().contentType("application/json")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, body))
                .body(body).post(PATH)
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"));
        stream.assertNothingSinceMark();
    }

    private static String actionTs() {
        return "1712345690." + String.format("%06d", Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000));
    }

    static String blockActions(String actionTs, String messageTs, String threadTs) {
        return "{\"type\":\"block_actions\",\"api_app_id\":\"A0BUCK\",\"trigger_id\":\"" + UUID.randomUUID() + "\","
                + "\"user\":{\"id\":\"U0ANA\",\"name\":\"ana\"},\"channel\":{\"id\":\"C0123\"},"
                + "\"container\":{\"type\":\"message\",\"message_ts\":\"" + messageTs + "\",\"channel_id\":\"C0123\"},"
                + "\"message\":{\"ts\":\"" + messageTs + "\"" + (threadTs == null ? "" : ",\"thread_ts\":\"" + threadTs + "\"") + "},"
                + "\"actions\":[{\"type\":\"button\",\"action_id\":\"approve\",\"text\":{\"type\":\"plain_text\",\"text\":\"Deploy to staging\"},"
                + "\"action_ts\":\"" + actionTs + "\"}]}";
    }

    static String form(String json) {
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /** Sends the body bytes exactly as given, without RestAssured adding a charset or re-encoding. */
    private static RestAssuredConfig rawForm() {
        return RestAssuredConfig.config().encoderConfig(
                EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));
    }

    private static RequestSpecification signed(String secret, String body) {
        long timestamp = Signing.now();
        return given().config(rawForm()).contentType(FORM)
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(secret, timestamp, body))
                .body(body);
    }
}

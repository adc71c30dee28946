package dev.agentservices.gateway.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.gateway.GatewayTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The hand-written envelope JSON is byte for byte what the service's own ObjectMapper writes for the record. */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class EnvelopeWriterTest {

    private static final Instant MILLIS = Instant.parse("2026-12-03T12:37:53.728Z");

    @Inject
    ObjectMapper mapper;

    @Inject
    EnvelopeWriter writer;

    @Test
    void slackMentionWithFilesIsWrittenAsJacksonWritesIt() {
        ConversationEvent event = new ConversationEvent(true, Origin.slack("C0123", "1712345678.000100"), "fix \"the\" build…",
                new SessionMessage("U0ANA", "<@U0BUCK> fix \"the\" build\n\ttabs \\ slashes </script> \u0001 ünï 🚀", List.of(),
                        Instant.parse("2026-12-03T12:37:53.722559864Z"), "1712345678.000100"),
                "slack:buck:C0123:1712345678.000100",
                List.of(new ConversationEvent.SlackFile("F1", "log.txt", "text/plain", 1234, "https://files.slack.com/F1"),
                        new ConversationEvent.SlackFile("F2", null, null, 0, null)));
        assertSameJson(envelope(WebhookSource.SLACK, SessionKey.slack("buck", "C0123", "1712345678.000100"), "app_mention",
                Map.of("X-Slack-Request-Timestamp", "1712345678", "X-Slack-Retry-Num", "1"), event, MILLIS));
    }

    @Test
    void clickWithoutTitleOrAuthorIsWrittenAsJacksonWritesIt() {
        ConversationEvent event = new ConversationEvent(false, Origin.slack("C0123", "1.2"), null,
                new SessionMessage(null, "clicked Approve", List.of(), Instant.ofEpochSecond(1_764_000_000), null), "click:1", null);
        assertSameJson(envelope(WebhookSource.INTERACTIVITY, SessionKey.slack("buck", "C0123", "1.2"), "block_actions",
                Map.of(), event, Instant.ofEpochSecond(1_764_000_000, 120_000)));
    }

    @Test
    void jiraAndGithubEventsAreWrittenAsJacksonWritesThem() {
        ConversationEvent jira = new ConversationEvent(true, Origin.jira("OPS-7"), "Deploy fails",
                new SessionMessage("5b10ac8d", "Deploy fails", List.of(new SessionMessage.Attachment("a.png", "image/png", "https://x/a.png")),
                        MILLIS, null, SessionMessage.PERSON), "jira:OPS-7:1", List.of());
        assertSameJson(envelope(WebhookSource.JIRA, SessionKey.jira("buck", "OPS-7"), "jira:issue_updated", Map.of(), jira, MILLIS));
        ConversationEvent github = new ConversationEvent(true, Origin.github("acme/api", 42), "@bucky fix it",
                new SessionMessage("octocat", "@bucky fix it", List.of(), MILLIS, "1234567"), "github:1234567", List.of());
        assertSameJson(envelope(WebhookSource.GITHUB, SessionKey.github("buck", "acme/api", 42), "issue_comment", Map.of(), github,
                Instant.ofEpochSecond(0)));
    }

    @Test
    void envelopeWithoutSessionKeyOrEventIsWrittenAsJacksonWritesIt() {
        assertSameJson(envelope(WebhookSource.SLACK, null, null, Map.of(), null, MILLIS));
        assertSameJson(envelope(WebhookSource.SLACK, null, "x", Map.of(),
                new ConversationEvent(false, null, null, null, null, List.of()), null));
    }

    /** Every character of the Basic Multilingual Plane, surrogates alone and in pairs, in every string field. */
    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0xFFFF; c++) {
            all.append(c);
        }
        String text = all.append("🚀 \uD83D\uDE80 \uD800 \uDC00").toString();
        ConversationEvent event = new ConversationEvent(true, new Origin(text, text, text, text, 7L), text,
                new SessionMessage(text, text, List.of(new SessionMessage.Attachment(text, text, text)), MILLIS, text, text), text,
                List.of(new ConversationEvent.SlackFile(text, text, text, Long.MAX_VALUE, text)));
        assertSameJson(new WebhookEnvelope(WebhookEnvelope.VERSION, text, WebhookSource.SLACK, text,
                SessionKey.slack("buck", "C1", "1.1"), text, MILLIS, Map.of(text, text, "X-Other", text), event));
    }

    @Test
    void instantsAreWrittenAsInstantToStringWritesThem() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L); // 0000-01-01 to 9999-12-31
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(instant.toString(), EnvelopeWriter.isoInstant(instant));
        }
        Instant far = Instant.parse("+12026-01-01T00:00:00Z");
        assertEquals(far.toString(), EnvelopeWriter.isoInstant(far));
    }

    private static WebhookEnvelope envelope(WebhookSource source, SessionKey key, String eventType, Map<String, String> headers,
            ConversationEvent event, Instant receivedAt) {
        return new WebhookEnvelope(WebhookEnvelope.VERSION, "buck", source, "buck:" + source.subjectToken() + ":k1", key,
                eventType, receivedAt, headers, event);
    }

    private void assertSameJson(WebhookEnvelope envelope) {
        try {
            assertEquals(new String(mapper.writeValueAsBytes(envelope), StandardCharsets.UTF_8),
                    new String(writer.write(envelope), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}

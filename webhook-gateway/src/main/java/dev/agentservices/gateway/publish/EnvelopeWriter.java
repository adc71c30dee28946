package dev.agentservices.gateway.publish;

import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Writes a {@link WebhookEnvelope} as JSON, field by field, into bytes: the same bytes the service's Jackson
 * writes for the record ({@code EnvelopeWriterTest} compares the two for every kind of webhook the gateway
 * stores, and every character), without Jackson's bean serializers, reflective accessor calls, per-field
 * generator calls and {@code DateTimeFormatter}: writing the envelope was the largest part of the gateway's own
 * CPU per webhook (docs/benchmarks.md). A field added to the envelope's records must be added here; the test
 * fails until it is.
 */
@Singleton
public class EnvelopeWriter {

    private static final int TYPICAL_SIZE = 768;

    public byte[] write(WebhookEnvelope envelope) {
        JsonBytes json = new JsonBytes(TYPICAL_SIZE);
        json.raw("{\"v\":").number(envelope.v());
        json.raw(",\"agent\":").string(envelope.agent());
        json.raw(",\"source\":").string(envelope.source() == null ? null : envelope.source().subjectToken());
        json.raw(",\"dedupId\":").string(envelope.dedupId());
        json.raw(",\"sessionKey\":").string(envelope.sessionKey() == null ? null : envelope.sessionKey().toString());
        json.raw(",\"eventType\":").string(envelope.eventType());
        json.raw(",\"receivedAt\":").string(isoInstant(envelope.receivedAt()));
        json.raw(",\"headers\":{");
        String comma = "";
        for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
            json.raw(comma).string(header.getKey()).raw(":").string(header.getValue());
            comma = ",";
        }
        json.raw("},\"event\":");
        writeEvent(json, envelope.event());
        return json.raw("}").toByteArray();
    }

    private static void writeEvent(JsonBytes json, ConversationEvent event) {
        if (event == null) {
            json.raw("null");
            return;
        }
        json.raw("{\"opensSession\":").bool(event.opensSession());
        json.raw(",\"origin\":");
        writeOrigin(json, event.origin());
        json.raw(",\"title\":").string(event.title());
        json.raw(",\"message\":");
        writeMessage(json, event.message());
        json.raw(",\"applyId\":").string(event.applyId());
        json.raw(",\"files\":[");
        String comma = "";
        for (ConversationEvent.SlackFile file : event.files()) {
            json.raw(comma).raw("{\"id\":").string(file.id());
            json.raw(",\"name\":").string(file.name());
            json.raw(",\"mimetype\":").string(file.mimetype());
            json.raw(",\"size\":").number(file.size());
            json.raw(",\"url\":").string(file.url()).raw("}");
            comma = ",";
        }
        json.raw("]}");
    }

    private static void writeOrigin(JsonBytes json, Origin origin) {
        if (origin == null) {
            json.raw("null");
            return;
        }
        json.raw("{\"slackChannel\":").string(origin.slackChannel());
        json.raw(",\"slackThreadTs\":").string(origin.slackThreadTs());
        json.raw(",\"jiraIssueKey\":").string(origin.jiraIssueKey());
        json.raw(",\"githubRepository\":").string(origin.githubRepository());
        json.raw(",\"githubNumber\":");
        if (origin.githubNumber() == null) {
            json.raw("null");
        } else {
            json.number(origin.githubNumber());
        }
        json.raw("}");
    }

    private static void writeMessage(JsonBytes json, SessionMessage message) {
        if (message == null) {
            json.raw("null");
            return;
        }
        json.raw("{\"author\":").string(message.author());
        json.raw(",\"text\":").string(message.text());
        json.raw(",\"attachments\":[");
        String comma = "";
        for (SessionMessage.Attachment attachment : message.attachments()) {
            json.raw(comma).raw("{\"name\":").string(attachment.name());
            json.raw(",\"contentType\":").string(attachment.contentType());
            json.raw(",\"url\":").string(attachment.url()).raw("}");
            comma = ",";
        }
        json.raw("],\"time\":").string(isoInstant(message.time()));
        json.raw(",\"ref\":").string(message.ref());
        json.raw(",\"role\":").string(message.role());
        json.raw("}");
    }

    /**
     * {@code Instant.toString()}, as Jackson writes an instant (ISO-8601 in UTC, the fraction in groups of three
     * digits, none when zero), without a {@code DateTimeFormatter} for the years 0000 to 9999; null for null.
     */
    static String isoInstant(Instant instant) {
        if (instant == null) {
            return null;
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (time.getYear() < 0 || time.getYear() > 9999) {
            return instant.toString();
        }
        StringBuilder text = new StringBuilder(30);
        digits(text, time.getYear(), 4).append('-');
        digits(text, time.getMonthValue(), 2).append('-');
        digits(text, time.getDayOfMonth(), 2).append('T');
        digits(text, time.getHour(), 2).append(':');
        digits(text, time.getMinute(), 2).append(':');
        digits(text, time.getSecond(), 2);
        int nano = instant.getNano();
        if (nano > 0) {
            text.append('.');
            if (nano % 1_000_000 == 0) {
                digits(text, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                digits(text, nano / 1_000, 6);
            } else {
                digits(text, nano, 9);
            }
        }
        return text.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder text, int value, int width) {
        String number = Integer.toString(value);
        for (int pad = width - number.length(); pad > 0; pad--) {
            text.append('0');
        }
        return text.append(number);
    }
}

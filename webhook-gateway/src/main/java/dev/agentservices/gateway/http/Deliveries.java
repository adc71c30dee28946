package dev.agentservices.gateway.http;

import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the envelope of one verified delivery, keeping only the headers that matter downstream, and the
 * parts of a message every source shares (titles).
 */
public final class Deliveries {

    private static final int TITLE_LENGTH = 80;
    private static final Pattern USER_MENTION = Pattern.compile("<@[A-Z0-9]+>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Deliveries() {
    }

    /**
     * @param key the sender's own identity of this delivery; the dedup id is {@code {agent}:{source}:{key}}
     */
    public static WebhookEnvelope envelope(String agent, WebhookSource source, String key, SessionKey sessionKey,
            String eventType, HttpHeaders headers, List<String> keptHeaders, ConversationEvent event) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : keptHeaders) {
            String value = headers.getHeaderString(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return new WebhookEnvelope(WebhookEnvelope.VERSION, agent, source, dedupId(agent, source, key), sessionKey,
                eventType, Instant.now(), kept, event);
    }

    /** A session's title: the message's first words without Slack's user mentions, on one line. */
    public static String title(String text) {
        String oneLine = text == null ? "" : WHITESPACE.matcher(USER_MENTION.matcher(text).replaceAll("")).replaceAll(" ").trim();
        return oneLine.length() <= TITLE_LENGTH ? oneLine : oneLine.substring(0, TITLE_LENGTH - 1) + "…";
    }

    public static String dedupId(String agent, WebhookSource source, String key) {
        return agent + ":" + source.subjectToken() + ":" + key;
    }

    /** Hex SHA-256, the dedup key of a delivery that carries no identifier of its own. */
    public static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

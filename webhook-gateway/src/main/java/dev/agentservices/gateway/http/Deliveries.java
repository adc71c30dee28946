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

/**
 * Builds the envelope of one verified delivery, keeping only the headers that matter downstream, and the
 * parts of a message every source shares (titles).
 */
public final class Deliveries {

    private static final int TITLE_LENGTH = 80;

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

    /**
     * A session's title: the message's first words without Slack's user mentions ({@code <@U0123>}), each run of
     * white space ({@code \\s}) one space, trimmed, at most {@value #TITLE_LENGTH} characters. One pass over the text
     * (two regular expressions cost more than the rest of classifying a Slack event).
     */
    public static String title(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(Math.min(text.length(), TITLE_LENGTH + 1));
        boolean inSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int mentionEnd = c == '<' ? userMentionEnd(text, i) : -1;
            if (mentionEnd > 0) {
                i = mentionEnd;
            } else if (c == ' ' || (c >= '\t' && c <= '\r')) {
                inSpace = true;
            } else {
                if (inSpace) {
                    line.append(' ');
                    inSpace = false;
                }
                line.append(c);
            }
        }
        if (inSpace) {
            line.append(' ');
        }
        String oneLine = line.toString().trim();
        return oneLine.length() <= TITLE_LENGTH ? oneLine : oneLine.substring(0, TITLE_LENGTH - 1) + "…";
    }

    /** Where {@code <@[A-Z0-9]+>} starting at {@code start} ends (its {@code >}), or -1 when none starts there. */
    private static int userMentionEnd(String text, int start) {
        if (start + 3 >= text.length() || text.charAt(start + 1) != '@') {
            return -1;
        }
        for (int i = start + 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '>') {
                return i > start + 2 ? i : -1;
            }
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return -1;
            }
        }
        return -1;
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

package dev.agentservices.gateway.http;

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

/** Builds the envelope of one verified delivery, keeping only the headers that matter downstream. */
public final class Deliveries {

    private Deliveries() {
    }

    /**
     * @param key the sender's own identity of this delivery; the dedup id is {@code {agent}:{source}:{key}}
     */
    public static WebhookEnvelope envelope(String agent, WebhookSource source, String key, SessionKey sessionKey,
            String eventType, HttpHeaders headers, List<String> keptHeaders, byte[] body) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : keptHeaders) {
            String value = headers.getHeaderString(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return new WebhookEnvelope(WebhookEnvelope.VERSION, agent, source, dedupId(agent, source, key), sessionKey,
                eventType, Instant.now(), kept, headers.getHeaderString(HttpHeaders.CONTENT_TYPE),
                new String(body, StandardCharsets.UTF_8));
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

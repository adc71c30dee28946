package dev.agentservices.common.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A shared secret (signing secret, webhook secret, token key) that never shows itself in logs or in
 * {@code toString()}, and compares only in constant time.
 */
public final class Secret {

    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
        return new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The key bytes, for HMAC computation only. */
    byte[] keyBytes() {
        return value.clone();
    }

    /** Constant-time comparison with a value presented by a caller, e.g. a token in a webhook URL. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret as text, for the few places that must send it on (an Authorization header). */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}

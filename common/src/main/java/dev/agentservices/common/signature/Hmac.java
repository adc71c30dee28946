package dev.agentservices.common.signature;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over byte parts, as Slack, GitHub and Jira sign their webhooks. Each thread keeps one
 * {@link Mac} and keys it per call: looking the algorithm up in the security providers cost more than the
 * hash of a typical webhook.
 */
final class Hmac {

    private static final String ALGORITHM = "HmacSHA256";
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    private Hmac() {
    }

    static byte[] sha256(Secret key, byte[]... parts) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(key.keyBytes(), ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused the key", e);
        }
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }
}

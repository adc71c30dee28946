package dev.agentservices.common.signature;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The {@code sha256=<hex>} body signature used by GitHub ({@code X-Hub-Signature-256}) and by Jira Cloud
 * admin webhooks ({@code X-Hub-Signature}): HMAC-SHA256 of the raw body with the webhook secret.
 */
public final class HubSignatureVerifier {

    private static final String PREFIX = "sha256=";
    private static final int SIGNATURE_HEX_LENGTH = 64;

    private HubSignatureVerifier() {
    }

    /** Parses the header into the signature bytes. {@code headerName} only shapes the error message. */
    public static byte[] parse(String headerName, String header) throws SignatureException {
        if (header == null || header.isBlank()) {
            throw new SignatureException(SignatureException.Reason.MISSING_SIGNATURE,
                    "Send the " + headerName + " header (sha256=<hex HMAC of the body>); set a secret on the webhook");
        }
        String value = header.trim();
        if (!value.startsWith(PREFIX) || value.length() != PREFIX.length() + SIGNATURE_HEX_LENGTH) {
            throw new SignatureException(SignatureException.Reason.MALFORMED_SIGNATURE,
                    headerName + " must be sha256= followed by 64 hex digits");
        }
        try {
            return HexFormat.of().parseHex(value, PREFIX.length(), value.length());
        } catch (IllegalArgumentException e) {
            throw new SignatureException(SignatureException.Reason.MALFORMED_SIGNATURE,
                    headerName + " must be sha256= followed by 64 hex digits");
        }
    }

    /** Whether {@code secret} produced {@code signature} over exactly these body bytes. */
    public static boolean matches(byte[] signature, Secret secret, byte[] rawBody) {
        return MessageDigest.isEqual(Hmac.sha256(secret, rawBody), signature);
    }
}

package dev.agentservices.common.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Slack's v0 request signing: {@code v0=} HMAC-SHA256 of {@code v0:{timestamp}:{raw body}}, with the
 * timestamp accepted only within a window either way so a captured request cannot be replayed later.
 */
public final class SlackSignatureVerifier {

    /** Slack's recommended window, applied in both directions. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String VERSION_PREFIX = "v0=";
    private static final int SIGNATURE_HEX_LENGTH = 64;

    private final Clock clock;
    private final Duration tolerance;

    public SlackSignatureVerifier(Clock clock, Duration tolerance) {
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** The signature headers of one request, parsed and checked for freshness, ready to match secrets. */
    public record SignedRequest(String timestamp, byte[] signature) {
    }

    /**
     * Parses {@code X-Slack-Request-Timestamp} and {@code X-Slack-Signature} and checks the timestamp
     * against the clock. Secret-independent, so it runs once however many agents are tried.
     */
    public SignedRequest parse(String timestampHeader, String signatureHeader) throws SignatureException {
        if (isBlank(timestampHeader) || isBlank(signatureHeader)) {
            throw new SignatureException(SignatureException.Reason.MISSING_SIGNATURE,
                    "Send the X-Slack-Request-Timestamp and X-Slack-Signature headers that Slack signs requests with");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            throw new SignatureException(SignatureException.Reason.MALFORMED_SIGNATURE,
                    "X-Slack-Request-Timestamp must be Unix time in seconds");
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (skew.compareTo(tolerance) > 0) {
            throw new SignatureException(SignatureException.Reason.STALE_TIMESTAMP,
                    "X-Slack-Request-Timestamp is more than " + tolerance.toMinutes()
                            + " minutes from the server's clock; sign the request with the current time");
        }
        String signature = signatureHeader.trim();
        if (!signature.startsWith(VERSION_PREFIX) || signature.length() != VERSION_PREFIX.length() + SIGNATURE_HEX_LENGTH) {
            throw new SignatureException(SignatureException.Reason.MALFORMED_SIGNATURE,
                    "X-Slack-Signature must be v0= followed by 64 hex digits");
        }
        try {
            return new SignedRequest(timestampHeader.trim(), HexFormat.of().parseHex(signature, VERSION_PREFIX.length(), signature.length()));
        } catch (IllegalArgumentException e) {
            throw new SignatureException(SignatureException.Reason.MALFORMED_SIGNATURE,
                    "X-Slack-Signature must be v0= followed by 64 hex digits");
        }
    }

    /** Whether {@code secret} produced the request's signature over exactly these body bytes. */
    public boolean matches(SignedRequest request, Secret secret, byte[] rawBody) {
        byte[] expected = Hmac.sha256(secret,
                ("v0:" + request.timestamp() + ":").getBytes(StandardCharsets.US_ASCII), rawBody);
        return MessageDigest.isEqual(expected, request.signature());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}

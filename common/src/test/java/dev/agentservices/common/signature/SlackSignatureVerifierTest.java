package dev.agentservices.common.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SlackSignatureVerifierTest {

    /** Slack's published example, from fixtures/README.md. */
    private static final Secret VECTOR_SECRET = Secret.of("8f742231b10e8888abcd99yyyzzz85a5");
    private static final String VECTOR_TIMESTAMP = "1531420618";
    private static final String VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private final SlackSignatureVerifier verifier = verifierAt(Instant.ofEpochSecond(1531420618));

    @Test
    void publishedSlackVectorVerifies() throws Exception {
        SlackSignatureVerifier.SignedRequest request = verifier.parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE);
        assertTrue(verifier.matches(request, VECTOR_SECRET, vectorBody()));
    }

    @Test
    void oneChangedBodyByteFailsVerification() throws Exception {
        byte[] body = vectorBody();
        body[body.length - 1] ^= 1;
        assertFalse(verifier.matches(verifier.parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE), VECTOR_SECRET, body));
    }

    @Test
    void reEncodedFormBodyFailsVerification() throws Exception {
        String decodedCommand = new String(vectorBody(), StandardCharsets.UTF_8).replace("%2F", "/");
        assertFalse(verifier.matches(verifier.parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE), VECTOR_SECRET,
                decodedCommand.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anotherSecretFailsVerification() throws Exception {
        assertFalse(verifier.matches(verifier.parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE), Secret.of("other"), vectorBody()));
    }

    @Test
    void timestampsJustInsideFiveMinutesEitherWayAreAccepted() throws Exception {
        verifierAt(Instant.ofEpochSecond(1531420618 + 300)).parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE);
        verifierAt(Instant.ofEpochSecond(1531420618 - 300)).parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE);
    }

    @Test
    void staleTimestampIsRefused() {
        SignatureException e = assertThrows(SignatureException.class,
                () -> verifierAt(Instant.ofEpochSecond(1531420618 + 301)).parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE));
        assertEquals(SignatureException.Reason.STALE_TIMESTAMP, e.reason());
    }

    @Test
    void futureTimestampIsRefused() {
        SignatureException e = assertThrows(SignatureException.class,
                () -> verifierAt(Instant.ofEpochSecond(1531420618 - 301)).parse(VECTOR_TIMESTAMP, VECTOR_SIGNATURE));
        assertEquals(SignatureException.Reason.STALE_TIMESTAMP, e.reason());
    }

    @Test
    void missingHeadersAreReportedAsMissing() {
        assertEquals(SignatureException.Reason.MISSING_SIGNATURE,
                assertThrows(SignatureException.class, () -> verifier.parse(null, VECTOR_SIGNATURE)).reason());
        assertEquals(SignatureException.Reason.MISSING_SIGNATURE,
                assertThrows(SignatureException.class, () -> verifier.parse(VECTOR_TIMESTAMP, "")).reason());
    }

    @Test
    void malformedHeadersAreReportedAsMalformed() {
        assertEquals(SignatureException.Reason.MALFORMED_SIGNATURE,
                assertThrows(SignatureException.class, () -> verifier.parse("yesterday", VECTOR_SIGNATURE)).reason());
        assertEquals(SignatureException.Reason.MALFORMED_SIGNATURE,
                assertThrows(SignatureException.class, () -> verifier.parse(VECTOR_TIMESTAMP, "v1=abc")).reason());
        assertEquals(SignatureException.Reason.MALFORMED_SIGNATURE, assertThrows(SignatureException.class,
                () -> verifier.parse(VECTOR_TIMESTAMP, "v0=" + "zz".repeat(32))).reason());
    }

    @Test
    void secretNeverShowsInToString() {
        assertFalse(VECTOR_SECRET.toString().contains("8f74"));
    }

    static byte[] vectorBody() throws IOException {
        try (InputStream in = SlackSignatureVerifierTest.class.getResourceAsStream("/fixtures/slack-vector.body")) {
            return in.readAllBytes();
        }
    }

    private static SlackSignatureVerifier verifierAt(Instant now) {
        return new SlackSignatureVerifier(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
    }
}

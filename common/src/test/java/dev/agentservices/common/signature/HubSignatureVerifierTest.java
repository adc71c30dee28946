package dev.agentservices.common.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

class HubSignatureVerifierTest {

    /** GitHub's published example, from fixtures/README.md. */
    private static final Secret VECTOR_SECRET = Secret.of("It's a Secret to Everybody");
    private static final String VECTOR_HEADER = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void publishedGithubVectorVerifies() throws Exception {
        byte[] signature = HubSignatureVerifier.parse("X-Hub-Signature-256", VECTOR_HEADER);
        assertTrue(HubSignatureVerifier.matches(signature, VECTOR_SECRET, vectorBody()));
    }

    @Test
    void upperCaseHexIsAccepted() throws Exception {
        byte[] signature = HubSignatureVerifier.parse("X-Hub-Signature-256", "sha256=" + VECTOR_HEADER.substring(7).toUpperCase());
        assertTrue(HubSignatureVerifier.matches(signature, VECTOR_SECRET, vectorBody()));
    }

    @Test
    void anotherSecretFailsVerification() throws Exception {
        byte[] signature = HubSignatureVerifier.parse("X-Hub-Signature-256", VECTOR_HEADER);
        assertFalse(HubSignatureVerifier.matches(signature, Secret.of("It's a Secret to Nobody"), vectorBody()));
    }

    @Test
    void sha1SignatureIsMalformed() {
        SignatureException e = assertThrows(SignatureException.class,
                () -> HubSignatureVerifier.parse("X-Hub-Signature", "sha1=01234567890123456789"));
        assertEquals(SignatureException.Reason.MALFORMED_SIGNATURE, e.reason());
    }

    @Test
    void missingHeaderIsMissing() {
        SignatureException e = assertThrows(SignatureException.class, () -> HubSignatureVerifier.parse("X-Hub-Signature-256", null));
        assertEquals(SignatureException.Reason.MISSING_SIGNATURE, e.reason());
        assertTrue(e.getMessage().contains("X-Hub-Signature-256"));
    }

    @Test
    void tokenComparisonMatchesOnlyTheExactSecret() {
        assertTrue(VECTOR_SECRET.matches("It's a Secret to Everybody"));
        assertFalse(VECTOR_SECRET.matches("It's a Secret to Everybody "));
        assertFalse(VECTOR_SECRET.matches(null));
    }

    private static byte[] vectorBody() throws Exception {
        try (InputStream in = HubSignatureVerifierTest.class.getResourceAsStream("/fixtures/github-vector.body")) {
            return in.readAllBytes();
        }
    }
}

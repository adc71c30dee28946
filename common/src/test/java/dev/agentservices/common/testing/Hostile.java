package dev.agentservices.common.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/** What the hostile-input suites of every service share: the refusal they expect, and forged tokens. */
public final class Hostile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Hostile() {
    }

    /**
     * A refusal as every service must answer hostile input: a 4xx (never a 5xx) whose body is a JSON error
     * ({@code error}, or Connect's {@code code}) with a message.
     */
    public static void assertJsonRefusal(Object hostile, HttpResponse<String> response) {
        int status = response.statusCode();
        assertTrue(status >= 400 && status < 500, hostile + ": " + status + " " + response.body());
        JsonNode error;
        try {
            error = JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(hostile + ": " + status + " is not JSON: " + response.body());
        }
        String code = error == null ? null : error.has("code") ? error.path("code").asText() : error.path("error").asText(null);
        assertTrue(code != null && !code.isBlank() && !error.path("message").asText().isBlank(),
                hostile + ": " + status + " not a JSON error with a message: " + response.body());
    }

    /** One base64url JWT part. */
    public static String part(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) with these claims. */
    public static String unsigned(Map<String, Object> claims) {
        return part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims) + ".";
    }

    /** A token signed RS256 by a key of the attacker's own, with the given {@code kid}. */
    public static String signedByAnotherKey(Map<String, Object> claims, String kid) {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var keys = generator.generateKeyPair();
            String signingInput = part(Map.of("alg", "RS256", "typ", "JWT", "kid", kid)) + "." + part(claims);
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.agentservices.runner.auth;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.runner.http.RunnerApiException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

/**
 * Checks the pod JWT the worker minted: HS256 only (so {@code alg: none} and key confusion fail), the
 * {@code RUNNER_TOKEN_SECRET} signature, issuer, audience, expiry, and the subject equal to the session
 * in the path. Uses jose4j, the JOSE library under SmallRye JWT, directly, because the runner API also
 * accepts other tokens on other paths and needs no MP-JWT security layer.
 */
@Singleton
public class PodTokenVerifier {

    private static final String BEARER = "bearer ";

    private final JwtConsumer consumer;

    public PodTokenVerifier(RunnerConfig config) {
        String secret = config.tokenSecret().orElse(null);
        this.consumer = secret == null ? null : new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setRequireSubject()
                .setExpectedIssuer(config.tokenIssuer())
                .setExpectedAudience(config.tokenAudience())
                .setVerificationKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .build();
    }

    /** The verified claims of the pod token for session {@code sessionId}. */
    public PodToken verify(String authorization, String sessionId) {
        PodToken token = verify(bearerToken(authorization)).orElseThrow(() -> new RunnerApiException(401, "invalid_token",
                "The token is not a valid pod token; the pod must use the RUNNER_TOKEN it was started with"));
        if (!sessionId.equals(token.sessionId())) {
            throw new RunnerApiException(403, "wrong_session", "This token belongs to another session");
        }
        return token;
    }

    /** The pod token's claims, or empty when {@code token} is not a valid pod token (expired ones included). */
    public Optional<PodToken> verify(String token) {
        if (consumer == null) {
            throw new RunnerApiException(503, "not_configured", "RUNNER_TOKEN_SECRET is not set on the runner API");
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            Number run = claims.getClaimValue("run", Number.class);
            return Optional.of(new PodToken(claims.getSubject(), claims.getStringClaimValue("agent"),
                    run == null ? 0 : run.intValue()));
        } catch (InvalidJwtException | MalformedClaimException e) {
            return Optional.empty();
        }
    }

    /** The token of an {@code Authorization: Bearer} header; 401 when there is none. */
    public static String bearerToken(String authorization) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw new RunnerApiException(401, "missing_token", "Send the token as Authorization: Bearer <token>");
        }
        return authorization.substring(BEARER.length()).trim();
    }

    /** Who a verified pod token speaks for. */
    public record PodToken(String sessionId, String agent, int run) {
    }
}

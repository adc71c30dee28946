package dev.agentservices.runner.upload;

import dev.agentservices.runner.http.RunnerApiException;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * GitHub Actions OIDC tokens for {@code /api/upload}: RS256 against GitHub's JWKS (fetched and cached),
 * the configured issuer and audience, unexpired, from a repository on the allow-list.
 */
@Singleton
public class GithubOidcVerifier {

    private final Optional<JwtConsumer> consumer;
    private final List<String> repositories;

    public GithubOidcVerifier(UploadConfig config) {
        UploadConfig.GithubOidc oidc = config.githubOidc();
        this.repositories = oidc.allowedRepositories().orElse(List.of());
        this.consumer = oidc.audience().map(audience -> new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setExpectedIssuer(oidc.issuer())
                .setExpectedAudience(audience)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(oidc.jwksUrl())))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build());
    }

    public boolean enabled() {
        return consumer.isPresent();
    }

    public Uploader verify(String token) {
        JwtClaims claims;
        try {
            claims = consumer.orElseThrow().processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new RunnerApiException(401, "invalid_token",
                    "The token is neither this session's pod token nor a valid GitHub Actions OIDC token for this audience");
        }
        String repository;
        try {
            repository = claims.getStringClaimValue("repository");
        } catch (MalformedClaimException e) {
            repository = null;
        }
        if (repository == null || !repositories.contains(repository)) {
            throw new RunnerApiException(403, "repository_not_allowed",
                    "Repository " + repository + " may not upload; add it to upload.github-oidc.allowed-repositories");
        }
        return Uploader.githubWorkflow(repository);
    }
}

package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.Session;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Mints the pod JWT a session pod presents to runner-api: HS256 with {@code RUNNER_TOKEN_SECRET},
 * subject the session id, the agent and run as claims (runner-api accepts it for that run only), valid
 * for {@code runner.token-ttl} and, for a pod, no longer than its run may last (its active deadline, plus
 * a little for the last report).
 */
@Singleton
public class PodTokenIssuer {

    private static final int MIN_SECRET_BYTES = 32;

    private static final Duration LAST_REPORT = Duration.ofMinutes(10);

    private final RunnerConfig config;
    private final Duration ttl;

    public PodTokenIssuer(RunnerConfig config, LauncherConfig launcher) {
        this.config = config;
        Duration runLimit = launcher.kubernetes().activeDeadline().plus(LAST_REPORT);
        this.ttl = "kubernetes".equals(launcher.launcher()) && runLimit.compareTo(config.tokenTtl()) < 0 ? runLimit
                : config.tokenTtl();
    }

    public String mint(Session session) {
        String secret = config.tokenSecret().orElseThrow(() -> new IllegalStateException(
                "RUNNER_TOKEN_SECRET is not set; the worker cannot give session pods a token"));
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("RUNNER_TOKEN_SECRET must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
        return Jwt.issuer(config.tokenIssuer())
                .audience(config.tokenAudience())
                .subject(session.id())
                .claim("agent", session.agent())
                .claim("run", session.run())
                .expiresIn(ttl)
                .jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.HS256)
                .signWithSecret(secret);
    }
}

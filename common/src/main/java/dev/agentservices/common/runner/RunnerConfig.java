package dev.agentservices.common.runner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code runner.*}: how session pods reach the runner API and prove who they are. The worker mints the
 * pod JWT with {@code RUNNER_TOKEN_SECRET}; runner-api checks it with the same secret.
 */
@ConfigMapping(prefix = "runner")
public interface RunnerConfig {

    /** The runner API as pods reach it ({@code RUNNER_API_URL}). */
    Optional<String> apiUrl();

    /** HS256 key of the pod JWT ({@code RUNNER_TOKEN_SECRET}), at least 32 bytes. */
    Optional<String> tokenSecret();

    @WithDefault("agent-services")
    String tokenIssuer();

    @WithDefault("runner-api")
    String tokenAudience();

    /** How long a pod token is valid; a run longer than this cannot report back. */
    @WithDefault("24h")
    Duration tokenTtl();

    /** The session pod image ({@code RUNNER_IMAGE}). */
    @WithDefault("ghcr.io/agent-services/agent-runner:latest")
    String image();
}

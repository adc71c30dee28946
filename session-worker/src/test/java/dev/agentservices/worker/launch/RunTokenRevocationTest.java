package dev.agentservices.worker.launch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The runner's end of a run's GitHub App token (deploy/runner/github-token.sh, as entrypoint.sh traps it): revoked
 * with GitHub's {@code DELETE /installation/token} however the run's shell exits; the agent's own token never.
 */
@Tag("component")
class RunTokenRevocationTest {

    private static final Path SCRIPT = Path.of("../deploy/runner/github-token.sh").toAbsolutePath().normalize();
    private static WireMockServer github;

    @BeforeAll
    static void start() {
        github = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        github.start();
    }

    @AfterAll
    static void stop() {
        github.stop();
    }

    @BeforeEach
    void reset() {
        github.resetAll();
        github.stubFor(delete(urlEqualTo("/api/installation/token")).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void aRunThatExitsRevokesItsAppTokenWithTheTokenItself() throws Exception {
        Result result = exit(3, Map.of("GITHUB_TOKEN", "ghs_run_only", "GITHUB_TOKEN_REVOKE_URL", github.baseUrl() + "/api/installation/token"));

        assertEquals(3, result.code(), "the run's own exit status is kept");
        github.verify(1, deleteRequestedFor(urlEqualTo("/api/installation/token"))
                .withHeader("Authorization", equalTo("Bearer ghs_run_only"))
                .withHeader("Accept", equalTo("application/vnd.github+json")));
        assertTrue(result.output().contains("the run's GitHub token is revoked"), result.output());
    }

    @Test
    void aRunTerminatedBySigtermRevokesItToo() throws Exception {
        Map<String, String> env = Map.of("GITHUB_TOKEN", "ghs_term", "GITHUB_TOKEN_REVOKE_URL", github.baseUrl() + "/api/installation/token");
        Process shell = shell("trap 'exit 143' TERM; echo ready; while :; do sleep 0.1; done", env);
        assertEquals("ready", new String(shell.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
        shell.destroy(); // SIGTERM, as Kubernetes stops a pod
        assertTrue(shell.waitFor(20, TimeUnit.SECONDS));

        github.verify(1, deleteRequestedFor(urlEqualTo("/api/installation/token")).withHeader("Authorization", equalTo("Bearer ghs_term")));
    }

    @Test
    void theAgentsOwnTokenIsNeverRevoked() throws Exception {
        exit(0, Map.of("GITHUB_TOKEN", "ghp_agents_own"));

        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aRevocationGithubRefusesLeavesTheRunsExitAsItWasAndSaysTheTokenExpiresSoon() throws Exception {
        github.stubFor(delete(urlEqualTo("/api/installation/token")).willReturn(aResponse().withStatus(401)));
        Result result = exit(0, Map.of("GITHUB_TOKEN", "ghs_gone", "GITHUB_TOKEN_REVOKE_URL", github.baseUrl() + "/api/installation/token"));

        assertEquals(0, result.code());
        assertTrue(result.output().contains("expires within the hour"), result.output());
        assertTrue(!result.output().contains("ghs_gone"), "the token is never printed: " + result.output());
    }

    private record Result(int code, String output) {
    }

    private static Result exit(int code, Map<String, String> env) throws IOException, InterruptedException {
        Process shell = shell("exit " + code, env);
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shell.waitFor(20, TimeUnit.SECONDS));
        return new Result(shell.exitValue(), output);
    }

    /** A bash run shell with the runner's EXIT trap, doing {@code body}. */
    private static Process shell(String body, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", ". '" + SCRIPT + "'; trap revoke_github_token EXIT; " + body)
                .redirectErrorStream(true);
        builder.environment().remove("GITHUB_TOKEN");
        builder.environment().remove("GITHUB_TOKEN_REVOKE_URL");
        builder.environment().putAll(env);
        return builder.start();
    }
}

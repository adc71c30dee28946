package dev.agentservices.worker.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import dev.agentservices.worker.launch.SessionLauncher;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Agent pearl answers on GitHub as a GitHub App: its replies carry an installation token got with the App
 * JWT (RS256, the App id as issuer), cached; its runs get a token of their own for their one repository.
 */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class GithubAppTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void repliesUseTheInstallationTokenAndEachRunGetsATokenForItsRepository() throws Exception {
        var github = ThirdPartyApis.server();
        String expires = Instant.now().plus(Duration.ofHours(1)).toString();
        github.stubFor(get(urlEqualTo("/github/repos/acme/app/installation"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"id\":777,\"account\":{\"login\":\"acme\"}}")));
        github.stubFor(post(urlEqualTo("/github/app/installations/777/access_tokens")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.repositories[0]", equalTo("app")))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"token\":\"ghs_run_scoped\",\"expires_at\":\"" + expires + "\"}")));
        github.stubFor(post(urlEqualTo("/github/app/installations/777/access_tokens")).atPriority(2)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"token\":\"ghs_installation\",\"expires_at\":\"" + expires + "\"}")));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);

        long[] numbers = {900_001 + (long) (Math.random() * 90_000), 990_001 + (long) (Math.random() * 9_000)};
        for (long number : numbers) {
            github.stubFor(post(urlEqualTo("/github/repos/acme/app/issues/" + number + "/comments"))
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
            SessionKey key = SessionKey.github("pearl", "acme/app", number);
            String dedupId = "pearl:github:comment:" + number;
            fixtures.publishWebhook(WebhookSource.GITHUB, dedupId, key, "issue_comment", new ConversationEvent(true,
                    Origin.github("acme/app", number), "acme/app#" + number, new SessionMessage("ana", "@pearl fix it", List.of(),
                            Instant.now(), Long.toString(number)), dedupId, List.of()));
            Session session = fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING);

            // what the runner was started with (the stand-in writes it down; the env file itself is deleted once read)
            Path started = Path.of(System.getProperty("java.io.tmpdir"), "agent-services-worker-test")
                    .resolve(SessionLauncher.workDirName(session)).resolve("started");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started) && Files.readString(started).contains("GITHUB_TOKEN="));
            assertTrue(Files.readString(started).contains("GITHUB_TOKEN=ghs_run_scoped\n"), "the run's token, for its repository");
            assertTrue(Files.readString(started).contains("GITHUB_TOKEN_REVOKE_URL=" + github.baseUrl() + "/github/installation/token\n"),
                    "the run revokes its App token as it ends: " + Files.readString(started));

            RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Fixed.", List.of(),
                    null, null, null);
            fixtures.publishOutcome("pearl", outcome, outcome.dedupId());
            fixtures.awaitSession(key, s -> s.repliedTurn() == 1);
            github.verify(1, postRequestedFor(urlEqualTo("/github/repos/acme/app/issues/" + number + "/comments"))
                    .withHeader("Authorization", equalTo("Bearer ghs_installation")));
        }

        // the App JWT on every exchange: RS256 by the App's key, issued by the App, at most ten minutes
        List<LoggedRequest> exchanges = github.findAll(postRequestedFor(urlEqualTo("/github/app/installations/777/access_tokens")));
        exchanges.addAll(github.findAll(getRequestedFor(urlEqualTo("/github/repos/acme/app/installation"))));
        for (LoggedRequest exchange : exchanges) {
            assertEquals("application/vnd.github+json", exchange.getHeader("Accept"));
            String[] jwt = exchange.getHeader("Authorization").substring("Bearer ".length()).split("\\.");
            JsonNode header = mapper.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            assertEquals("RS256", header.path("alg").asText());
            assertEquals(WorkerTestProfile.GITHUB_APP_ID, claims.path("iss").asText());
            long now = Instant.now().getEpochSecond();
            assertTrue(claims.path("iat").asLong() <= now && claims.path("exp").asLong() > now
                    && claims.path("exp").asLong() - claims.path("iat").asLong() <= 600, claims.toString());
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(WorkerTestProfile.GITHUB_APP_KEY.getPublic());
            signature.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertTrue(signature.verify(Base64.getUrlDecoder().decode(jwt[2])), "signed by the App's key");
        }
        // one installation lookup, one token per run, one installation token for both replies (cached)
        github.verify(1, getRequestedFor(urlEqualTo("/github/repos/acme/app/installation")));
        github.verify(2, postRequestedFor(urlEqualTo("/github/app/installations/777/access_tokens"))
                .withRequestBody(equalToJson("{\"repositories\":[\"app\"],\"permissions\":{\"contents\":\"write\","
                        + "\"pull_requests\":\"write\",\"issues\":\"write\",\"metadata\":\"read\"}}")));
        github.verify(1, postRequestedFor(urlEqualTo("/github/app/installations/777/access_tokens"))
                .withRequestBody(equalToJson("{}")));
    }
}

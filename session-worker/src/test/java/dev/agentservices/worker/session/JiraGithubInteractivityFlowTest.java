package dev.agentservices.worker.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(WorkerTestProfile.class)
class JiraGithubInteractivityFlowTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    private WorkerFixtures fixtures;

    @BeforeEach
    void stubApis() {
        fixtures = new WorkerFixtures(mapper, store);
        ThirdPartyApis.server().resetAll();
        ThirdPartyApis.server().stubFor(post(urlMatching("/jira/rest/api/2/issue/.*/comment")).willReturn(aResponse().withStatus(201)));
        ThirdPartyApis.server().stubFor(post(urlMatching("/github/repos/.*/comments")).willReturn(aResponse().withStatus(201)));
    }

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void jiraAssignmentStartsASessionAndTheOutcomeBecomesOneJiraComment() throws Exception {
        String issue = "OPS-" + (int) (Math.random() * 100_000);
        SessionKey key = SessionKey.jira("buck", issue);
        String body = "{\"webhookEvent\":\"jira:issue_updated\",\"user\":{\"accountId\":\"557058:ana\"},\"issue\":{\"key\":\""
                + issue + "\",\"fields\":{\"summary\":\"Fix the flaky test\",\"description\":\"It fails on Mondays.\","
                + "\"assignee\":{\"accountId\":\"" + WorkerTestProfile.JIRA_ACCOUNT + "\"}}},\"changelog\":{\"items\":[{\"field\":"
                + "\"assignee\",\"to\":\"" + WorkerTestProfile.JIRA_ACCOUNT + "\"}]}}";
        fixtures.publishWebhook(WebhookSource.JIRA, "buck:jira:" + UUID.randomUUID(), key, "jira:issue_updated",
                "application/json", body);

        Session session = fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        assertEquals("Fix the flaky test\n\nIt fails on Mondays.", session.prompt());
        assertEquals(issue + ": Fix the flaky test", session.title());

        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Fixed it.", List.of(),
                null, null, null);
        fixtures.publishOutcome(outcome, outcome.dedupId());
        fixtures.publishOutcome(outcome, "again-" + UUID.randomUUID());
        fixtures.awaitSession(key, s -> s.repliedTurn() == 1);
        fixtures.awaitIdle();

        String basic = Base64.getEncoder().encodeToString(("buck@example.com:" + WorkerTestProfile.JIRA_TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/jira/rest/api/2/issue/" + issue + "/comment"))
                .withHeader("Authorization", equalTo("Basic " + basic))
                .withRequestBody(equalToJson("{\"body\":\"Fixed it.\"}")));
    }

    @Test
    void jiraCommentWithoutASessionIsIgnored() throws Exception {
        String issue = "OPS-" + (int) (Math.random() * 100_000);
        fixtures.publishWebhook(WebhookSource.JIRA, "buck:jira:" + UUID.randomUUID(), SessionKey.jira("buck", issue),
                "comment_created", "application/json", "{\"webhookEvent\":\"comment_created\",\"issue\":{\"key\":\"" + issue
                        + "\"},\"comment\":{\"body\":\"hello\",\"author\":{\"accountId\":\"557058:ana\"}}}");
        fixtures.awaitIdle();
        assertTrue(store.idFor(SessionKey.jira("buck", issue)).isEmpty());
    }

    @Test
    void githubMentionStartsASessionAndTheOutcomeBecomesOneIssueComment() throws Exception {
        long number = 1 + (long) (Math.random() * 100_000);
        SessionKey key = SessionKey.github("buck", "acme/api", number);
        String body = "{\"action\":\"created\",\"issue\":{\"number\":" + number + ",\"title\":\"Flaky build\"},\"comment\":{\"id\":" + number + ","
                + "\"body\":\"@bucky can you take a look?\",\"user\":{\"login\":\"ana\",\"type\":\"User\"}},"
                + "\"repository\":{\"full_name\":\"acme/api\"}}";
        fixtures.publishWebhook(WebhookSource.GITHUB, "buck:github:comment:" + UUID.randomUUID(), key, "issue_comment",
                "application/json", body);

        Session session = fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        assertEquals("@bucky can you take a look?", session.prompt());
        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Opened a PR.",
                List.of(), null, null, null);
        fixtures.publishOutcome(outcome, outcome.dedupId());
        fixtures.awaitSession(key, s -> s.repliedTurn() == 1);

        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/github/repos/acme/api/issues/" + number + "/comments"))
                .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.GITHUB_TOKEN))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withRequestBody(equalToJson("{\"body\":\"Opened a PR.\"}")));
        // the comment shows the turn started, then that it succeeded
        for (String content : List.of("eyes", "+1")) {
            ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/github/repos/acme/api/issues/comments/" + number
                    + "/reactions")).withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.GITHUB_TOKEN))
                    .withRequestBody(equalToJson("{\"content\":\"" + content + "\"}")));
        }
    }

    @Test
    void buttonClickInASessionsThreadBecomesAOneLineMessage() throws Exception {
        String thread = "1712399999." + String.format("%06d", (int) (Math.random() * 1_000_000));
        SessionKey key = SessionKey.slack("buck", "C0CLICK", thread);
        fixtures.publishWebhook(WebhookSource.SLACK, "buck:slack:Ev" + UUID.randomUUID(), null, "app_mention", "application/json",
                "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"deploy?\",\"ts\":\""
                        + thread + "\",\"channel\":\"C0CLICK\"}}");
        fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING);

        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ANA\",\"name\":\"Ana\"},\"channel\":{\"id\":\"C0CLICK\"},"
                + "\"message\":{\"ts\":\"1712400000.000100\",\"thread_ts\":\"" + thread + "\"},\"actions\":[{\"type\":\"button\","
                + "\"action_id\":\"approve\",\"text\":{\"type\":\"plain_text\",\"text\":\"Deploy to staging\"},\"value\":\"staging\","
                + "\"action_ts\":\"1712400001.000200\"}]}";
        fixtures.publishWebhook(WebhookSource.INTERACTIVITY, "buck:interactivity:" + UUID.randomUUID(), key, "block_actions",
                "application/x-www-form-urlencoded", "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8));

        Session session = fixtures.awaitSession(key, s -> s.messages().size() == 2);
        assertEquals("Ana chose *Deploy to staging* (action `approve`)", session.messages().get(1).text());
    }
}

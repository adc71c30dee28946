package dev.agentservices.worker.workspace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.worker.PackagedServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The work itself, with the real Claude Code CLI (the pinned npm package, installed by
 * {@code deploy/runner/install-claude-code.sh}) against {@link MessagesApiStandIn}: a member's {@code @bucky}
 * comment on {@code acme/api#7} → gateway → worker (the issue read from the GitHub stand-in, the workspace
 * planned) → the reference runner in local mode clones {@code acme/api} from a bare repository
 * ({@code GITHUB_GIT_URL=file://…}) → the CLI's Bash tool writes a file → commit, push, one draft pull request
 * → the reply links it. A second comment continues the same conversation on the same branch, without a second
 * pull request. The run's credentials come only from {@code SESSION_LOCAL_RUN_ENV_FILE}.
 */
class RealClaudeCodeIT {

    private static final Path ROOT = PackagedServices.ROOT;
    private static final String WEBHOOK_SECRET = "real-cli-github-webhook-secret";
    private static final String SLACK_SECRET = "real-cli-slack-signing-secret";
    private static final String TOKEN_SECRET = "real-cli-runner-token-secret-32-bytes-or-more";
    private static final String TMUX_SOCKET = "agent-services-real-cli-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ISSUE_TITLE = "Login test fails on leap days";
    private static final String ISSUE_BODY = "The login test compares dates with 365 days a year.";
    private static final String PR_URL = "https://github.example/acme/api/pull/42";
    private static final String WEB_PR_URL = "https://github.example/acme/web/pull/43";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NatsTestServer nats;
    private static WireMockServer github;
    private static MessagesApiStandIn model;
    private static Path bare;
    private static Path webBare;
    private static final List<Process> services = new ArrayList<>();
    private static int gatewayPort;

    @BeforeAll
    static void startEverything() throws Exception {
        Path claude = Path.of(command(ROOT, "deploy/runner/install-claude-code.sh").strip());
        model = new MessagesApiStandIn(RealClaudeCodeIT::modelTurn);
        nats = NatsTestServer.start();
        github = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        github.start();
        stubGithub();

        // acme/api as a bare repository with one commit on main
        Path hosting = Files.createTempDirectory("real-cli-git-");
        bare = hosting.resolve("acme/api.git");
        Files.createDirectories(bare);
        command(bare, "git", "init", "--quiet", "--bare", "--initial-branch=main");
        Path seed = hosting.resolve("seed");
        command(hosting, "git", "clone", "--quiet", bare.toString(), seed.toString());
        Files.writeString(seed.resolve("README.md"), "# api\n");
        command(seed, "git", "-c", "user.name=seed", "-c", "user.email=seed@example.com", "checkout", "--quiet", "-b", "main");
        command(seed, "git", "add", "README.md");
        command(seed, "git", "-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "start");
        command(seed, "git", "push", "--quiet", "origin", "main");
        Path web = hosting.resolve("acme/web.git");
        Files.createDirectories(web);
        command(web, "git", "init", "--quiet", "--bare", "--initial-branch=main");
        command(seed, "git", "push", "--quiet", web.toString(), "main");
        webBare = web;

        // what a local run may know: the model's address and key, nothing else of the worker's environment
        Path runEnv = Files.createTempFile("real-cli-run-", ".env");
        Files.writeString(runEnv, "# the Messages API stand-in\nANTHROPIC_BASE_URL=" + model.baseUrl() + "\nANTHROPIC_API_KEY=sk-ant-real-cli-test\n"
                + "# progress reports while a turn is still going, however quick the stand-in is\nRUNNER_PROGRESS_EVERY=0.2\n");

        gatewayPort = PackagedServices.freePort();
        int runnerPort = PackagedServices.freePort();
        int workerPort = PackagedServices.freePort();
        start("webhook-gateway", gatewayPort, Map.of("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET, "SLACK_SIGNING_SECRET", SLACK_SECRET));
        start("runner-api", runnerPort, Map.of("RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        start("session-worker", workerPort, Map.ofEntries(
                Map.entry("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET),
                Map.entry("SLACK_SIGNING_SECRET", SLACK_SECRET),
                Map.entry("SLACK_BOT_TOKEN", "xoxb-real-cli"),
                Map.entry("SLACK_API_URL", github.baseUrl() + "/api"),
                Map.entry("GITHUB_TOKEN", "ghp_real_cli_worker_token"),
                Map.entry("GITHUB_API_URL", github.baseUrl()),
                Map.entry("GITHUB_GIT_URL", "file://" + hosting),
                Map.entry("SESSION_LOCAL_RUN_ENV_FILE", runEnv.toString()),
                Map.entry("SESSION_LAUNCHER", "local"),
                Map.entry("SESSION_LOCAL_RUNNER_COMMAND", ROOT.resolve("deploy/runner/entrypoint.sh").toString()),
                Map.entry("SESSION_LOCAL_TMUX_SOCKET", TMUX_SOCKET),
                // claude on the worker's PATH, and no AGENT_COMMAND: the runner's default `claude -p`
                Map.entry("PATH", claude.getParent() + ":" + System.getenv("PATH")),
                // the worker's own model key must not reach the run (the run has its own from the env file)
                Map.entry("ANTHROPIC_AUTH_TOKEN", "worker-only-secret"),
                Map.entry("RUNNER_API_URL", "http://127.0.0.1:" + runnerPort),
                Map.entry("RUNNER_TOKEN_SECRET", TOKEN_SECRET)));
        for (int port : List.of(gatewayPort, runnerPort, workerPort)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> PackagedServices.ready(port));
        }
    }

    /**
     * The model's side of the conversation, decided by what the conversation already holds (the CLI merges
     * consecutive messages: a turn's tool results, then text typed or pasted after it): each request is answered
     * with the next Bash call its script has not made yet, or, when there is none, with what was done.
     */
    private static List<MessagesApiStandIn.Block> modelTurn(JsonNode request) {
        if (request.path("tools").isEmpty()) {
            return List.of(new MessagesApiStandIn.Text("ok")); // anything the CLI asks on the side
        }
        String shown = MessagesApiStandIn.shown(request);
        if (shown.contains("please add a tui note") && shown.contains("also note the time zone")) {
            return script(request, List.of("echo tz >> TUI.md", "Noted the time zone."), null, null);
        }
        if (shown.contains("please add a tui note")) {
            return script(request, List.of("echo tui > TUI.md", "Added TUI.md."), "also mention leap days",
                    List.of("echo leap >> TUI.md", "Mentioned leap days."));
        }
        if (shown.contains("please add a note to acme/api")) {
            List<MessagesApiStandIn.Block> answer = script(request, List.of("echo 'a note' > NOTE.md", "Added NOTE.md."), null, null);
            // the answer after the tool call takes the model a while, so the turn is seen going (a quick machine once
            // ran the whole turn between two of the runner's looks, and no progress was reported)
            return answer.get(0) instanceof MessagesApiStandIn.Text
                    ? List.of(new MessagesApiStandIn.Thinking(Duration.ofMillis(1500)), answer.get(0)) : answer;
        }
        return script(request, List.of("printf 'days = 366 if leap else 365\\n' > LEAP.md", "Wrote LEAP.md with the leap-day rule."),
                "also add a changelog entry", List.of("echo '- login test: leap days' >> CHANGELOG.md", "Added the changelog entry."));
    }

    /**
     * A first request's step ({command, answer}), and a follow-up's step once the conversation holds its text:
     * the step's command when it was not called yet, else its answer.
     */
    private static List<MessagesApiStandIn.Block> script(JsonNode request, List<String> first, String followUpText,
            List<String> followUp) {
        List<String> step = followUpText != null && MessagesApiStandIn.shown(request).contains(followUpText) ? followUp : first;
        if (called(request, step.get(0))) {
            return List.of(new MessagesApiStandIn.Text(step.get(1)));
        }
        return List.of(new MessagesApiStandIn.ToolUse("Bash", JSON.createObjectNode().put("command", step.get(0))
                .put("description", "Change a file").toString()));
    }

    /** Whether the conversation holds a Bash call of {@code command}. */
    private static boolean called(JsonNode request, String command) {
        for (JsonNode message : request.path("messages")) {
            for (JsonNode content : message.path("content")) {
                if ("tool_use".equals(content.path("type").asText()) && command.equals(content.path("input").path("command").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void stubGithub() {
        github.stubFor(get(urlEqualTo("/repos/acme/api/issues/7")).willReturn(okJson("{\"number\":7,\"title\":\"" + ISSUE_TITLE
                + "\",\"body\":\"" + ISSUE_BODY + "\",\"user\":{\"login\":\"ana\"},\"author_association\":\"MEMBER\"}")));
        github.stubFor(get(urlPathEqualTo("/repos/acme/api/issues/7/comments")).willReturn(okJson(
                "[{\"id\":700,\"body\":\"It started on Feb 29.\",\"user\":{\"login\":\"bo\"},\"author_association\":\"CONTRIBUTOR\"}]")));
        github.stubFor(get(urlEqualTo("/repos/acme/api")).willReturn(okJson("{\"full_name\":\"acme/api\",\"default_branch\":\"main\"}")));
        github.stubFor(get(urlEqualTo("/repos/acme/web")).willReturn(okJson("{\"full_name\":\"acme/web\",\"default_branch\":\"main\"}")));
        github.stubFor(get(urlPathEqualTo("/repos/acme/web/pulls")).willReturn(okJson("[]")));
        github.stubFor(post(urlEqualTo("/repos/acme/web/pulls")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":43,\"html_url\":\"" + WEB_PR_URL
                        + "\",\"state\":\"open\"}")));
        github.stubFor(get(urlPathEqualTo("/repos/acme/api/pulls")).willReturn(okJson("[]")));
        github.stubFor(post(urlEqualTo("/repos/acme/api/pulls")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"number\":42,\"html_url\":\"" + PR_URL
                        + "\",\"state\":\"open\"}")));
        github.stubFor(post(urlPathEqualTo("/repos/acme/api/issues/7/comments")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
        github.stubFor(post(urlPathEqualTo("/repos/acme/api/issues/comments/801/reactions")).willReturn(okJson("{}")));
        // Slack, for the Slack session: the thread so far, posts and reactions
        github.stubFor(get(urlPathEqualTo("/api/conversations.replies")).withQueryParam("channel", equalTo("C0TUI")).willReturn(okJson(
                "{\"ok\":true,\"messages\":[{\"ts\":\"1712345678.000500\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please add a tui note\"}]}")));
        github.stubFor(get(urlPathEqualTo("/api/conversations.replies")).withQueryParam("channel", equalTo("C0REAL")).willReturn(okJson("{\"ok\":true,\"messages\":["
                + "{\"ts\":\"1712345678.000100\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please add a note to acme/api\"},"
                + "{\"ts\":\"1712345678.000200\",\"user\":\"U0BO\",\"text\":\"keep it short\"}]}")));
        github.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(okJson("{\"ok\":true,\"ts\":\"1712345679.000100\"}")));
        github.stubFor(post(urlEqualTo("/api/reactions.add")).willReturn(okJson("{\"ok\":true}")));
        github.stubFor(post(urlEqualTo("/api/chat.update")).willReturn(okJson("{\"ok\":true,\"ts\":\"1712345679.000100\"}")));
        github.stubFor(post(urlPathEqualTo("/repos/acme/api/issues/comments/802/reactions")).willReturn(okJson("{}")));
        github.stubFor(post(urlPathEqualTo("/repos/acme/api/issues/comments/803/reactions")).willReturn(okJson("{}")));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (model != null) {
            // every request the CLI made, one JSON a line, to read when a test here fails
            Files.write(Path.of("target", "real-cli-model-requests.jsonl"), model.requests().stream().map(JsonNode::toString).toList());
        }
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
        new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "kill-server").start().waitFor();
        if (github != null) {
            github.stop();
        }
        if (model != null) {
            model.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void aMembersMentionGetsADraftPullRequestOfTheChangeTheRealCliMadeAndAFollowUpContinuesIt() throws Exception {
        assertEquals(200, sendComment(801, "@bucky please fix the leap-day login test"));
        // bo, a contributor, wrote part of the issue: no run acts on it before a member confirms
        await().atMost(Duration.ofSeconds(60)).until(() -> notices().stream().anyMatch(notice -> notice.contains("(@bo)")
                && notice.contains("reply \"@bucky confirm\"")));
        assertEquals(200, sendComment(803, "@bucky confirm"));

        List<String> replies = awaitReplies(1);
        assertTrue(replies.get(0).contains("Wrote LEAP.md with the leap-day rule."), replies.get(0));
        assertTrue(replies.get(0).contains(PR_URL), "the reply links the draft pull request: " + replies.get(0));

        // the model was told the issue (as quoted data), and the run had only its own credentials
        JsonNode first = model.requests().stream().filter(r -> !r.path("tools").isEmpty()
                && MessagesApiStandIn.shown(r).contains("please fix the leap-day login test")).findFirst().orElseThrow();
        String shown = MessagesApiStandIn.shown(first);
        assertTrue(shown.contains(ISSUE_TITLE) && shown.contains(ISSUE_BODY) && shown.contains("It started on Feb 29."), shown);
        assertTrue(shown.contains("<<<DATA "), "people's text is quoted as data: " + shown);
        assertFalse(first.path("system").toString().contains(ISSUE_TITLE), "the issue is never in the system prompt");

        // the branch holds the change the CLI's Bash tool made, and one draft pull request was asked for
        String branch = headOfPullRequestTitled("acme/api#7");
        assertTrue(branch.matches("buck/[0-9a-f]{8}"), branch);
        assertEquals("days = 366 if leap else 365\n", command(bare, "git", "show", branch + ":LEAP.md"));
        github.verify(1, postRequestedFor(urlEqualTo("/repos/acme/api/pulls"))
                .withRequestBody(matchingJsonPath("$.draft", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.base", equalTo("main")))
                .withRequestBody(matchingJsonPath("$.head", equalTo(branch))));
        assertEquals("start\n", command(bare, "git", "log", "--format=%s", "main"), "nothing was pushed to the default branch");

        // a second comment: the same conversation (the CLI resumed it), the same branch, no second pull request
        assertEquals(200, sendComment(802, "@bucky also add a changelog entry"));
        List<String> both = awaitReplies(2);
        assertTrue(both.get(1).contains("Added the changelog entry."), both.get(1));
        JsonNode followUp = model.requests().stream().filter(r -> MessagesApiStandIn.shown(r).contains("also add a changelog entry"))
                .findFirst().orElseThrow();
        assertTrue(MessagesApiStandIn.shown(followUp).contains("Wrote LEAP.md with the leap-day rule."),
                "the follow-up continues the first turn's conversation");
        assertEquals("- login test: leap days\n", command(bare, "git", "show", branch + ":CHANGELOG.md"));
        assertEquals("days = 366 if leap else 365\n", command(bare, "git", "show", branch + ":LEAP.md"));
        github.verify(1, postRequestedFor(urlEqualTo("/repos/acme/api/pulls")).withRequestBody(matchingJsonPath("$.head", equalTo(branch))));
        assertTrue(both.get(1).contains(PR_URL), both.get(1));

        String workerLog = Files.readString(Path.of("target", "real-cli-session-worker.log"));
        assertEquals(java.util.Set.of("x-api-key sk-ant-real-cli-test"), java.util.Set.copyOf(model.credentials()),
                "every model call used the run's own key, never the worker's");
        assertFalse(workerLog.contains("sk-ant-real-cli-test"), "the run's key is never logged");
    }

    @Test
    void aSlackMentionThatNamesARepositoryWorksOnItAndTheThreadGetsTheDraftPullRequest() throws Exception {
        String ts = "1712345678.000100";
        assertEquals(200, sendSlackMention(ts, "<@U0BUCK> please add a note to acme/api"));

        await().atMost(Duration.ofSeconds(120)).until(() -> slackReplies(ts).stream().anyMatch(text -> text.contains(PR_URL)));
        String reply = slackReplies(ts).stream().filter(text -> text.contains(PR_URL)).findFirst().orElseThrow();
        assertTrue(reply.contains("Added NOTE.md."), reply);
        String branch = headOfPullRequestTitled("please add a note");
        assertTrue(branch.matches("buck/[0-9a-f]{8}"), branch);
        assertEquals("a note\n", command(bare, "git", "show", branch + ":NOTE.md"));
        JsonNode first = model.requests().stream().filter(r -> MessagesApiStandIn.shown(r).contains("please add a note to acme/api")
                && !r.path("tools").isEmpty()).findFirst().orElseThrow();
        String shown = MessagesApiStandIn.shown(first);
        assertTrue(shown.contains("the repository acme/api on branch " + branch), shown);
        assertTrue(shown.contains("Slack thread in channel C0REAL") && shown.contains("keep it short"), "the thread so far: " + shown);
        // the turn's tool steps showed in one progress message of the thread, which said at the end how the turn went
        List<String> progress = github.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
                .map(request -> request.getBodyAsString()).filter(body -> body.contains(ts) && body.contains("agent_services_progress")).toList();
        assertEquals(1, progress.size(), progress.toString());
        assertTrue(progress.get(0).contains("so far. Latest: "), progress.get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> github.findAll(postRequestedFor(urlEqualTo("/api/chat.update"))).stream()
                .anyMatch(request -> request.getBodyAsString().matches("(?s).*\"text\":\"Done after [0-9]+ steps?\\.\".*")));
    }

    @Test
    void inInteractiveModeTheRealTuiStartsWithNoDialogItsStopHookEndsTheTurnAndAFollowUpIsPastedIn() throws Exception {
        // a team whose sessions run the TUI, on its one repository
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(nats.localUrl())) {
            connection.keyValue("teams").put("tui", ("{\"v\":1,\"teamId\":\"tui\",\"slackChannels\":[\"C0TUI\"],\"jiraProjects\":[],"
                    + "\"githubRepositories\":[\"acme/web\"],\"concurrencyLimit\":0,\"runnerMode\":\"interactive\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        // the worker reads teams from its watched copy of the bucket: let the watch deliver the new team before the
        // mention that must find it (on a loaded machine the mention was once faster, and ran one-shot without a team)
        Thread.sleep(3_000);
        String ts = "1712345678.000500";
        assertEquals(200, sendSlackMention(ts, "<@U0BUCK> please add a tui note", "C0TUI", null));

        await().atMost(Duration.ofSeconds(120)).until(() -> slackReplies(ts).stream().anyMatch(text -> text.contains("Added TUI.md.")));
        String first = slackReplies(ts).stream().filter(text -> text.contains("Added TUI.md.")).findFirst().orElseThrow();
        assertTrue(first.contains(WEB_PR_URL), "the Stop hook's turn is pushed and its pull request linked: " + first);
        String branch = github.findAll(postRequestedFor(urlEqualTo("/repos/acme/web/pulls"))).get(0).getBodyAsString()
                .replaceAll("(?s).*\"head\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        assertEquals("tui\n", command(webBare, "git", "show", branch + ":TUI.md"));

        // a thread reply is pasted into the running TUI as the next turn
        assertEquals(200, sendSlackMention("1712345678.000600", "also mention leap days", "C0TUI", ts));
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> slackReplies(ts).stream().anyMatch(text -> text.contains("Mentioned leap days.")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no answer to the follow-up; the run's terminal:\n" + terminal(SessionKey.slack("buck", "C0TUI", ts)), e);
        }
        assertEquals("tui\nleap\n", command(webBare, "git", "show", branch + ":TUI.md"));

        // someone attached to the run's terminal (the dashboard's terminal is a tmux attach) types a prompt into the TUI:
        // it becomes the session's next turn, and its answer goes to the thread like any other
        SessionKey key = SessionKey.slack("buck", "C0TUI", ts);
        await().atMost(Duration.ofSeconds(20)).until(() -> terminal(key).contains("Mentioned leap days."));
        Thread.sleep(1_000); // the TUI takes input again once it drew the answer
        tmux("send-keys", "-t", pane(key), "-l", "also note the time zone");
        tmux("send-keys", "-t", pane(key), "Enter");
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> slackReplies(ts).stream().anyMatch(text -> text.contains("Noted the time zone.")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no answer to the typed prompt; the run's terminal:\n" + terminal(key), e);
        }
        assertEquals("tui\nleap\ntz\n", command(webBare, "git", "show", branch + ":TUI.md"));
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(nats.localUrl())) {
            String id = connection.keyValue("session-index").get(key.kvKey()).getValueAsString();
            JsonNode record = JSON.readTree(connection.keyValue("sessions").get(id).getValue());
            assertEquals(3, record.path("turn").asInt(), record.toString());
            assertTrue(record.toString().contains("\"author\":\"terminal\",\"text\":\"also note the time zone\""), record.toString());
        }
        github.verify(1, postRequestedFor(urlEqualTo("/repos/acme/web/pulls")));
    }

    /** The tmux target of the session's first run. */
    private static String pane(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(nats.localUrl())) {
            return "session-" + connection.keyValue("session-index").get(key.kvKey()).getValueAsString().substring(0, 18) + "-1";
        }
    }

    private static void tmux(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", TMUX_SOCKET));
        command.addAll(List.of(arguments));
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), String.join(" ", command));
    }

    /** What the run's terminal (its tmux pane) shows, scrollback included. */
    private static String terminal(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(nats.localUrl())) {
            String id = connection.keyValue("session-index").get(key.kvKey()).getValueAsString();
            Process capture = new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "capture-pane", "-p", "-J", "-S", "-200", "-t",
                    "session-" + id.substring(0, 18) + "-1").redirectErrorStream(true).start();
            String screen = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            capture.waitFor();
            return screen;
        }
    }

    private static String headOfPullRequestTitled(String titlePart) throws IOException {
        for (var request : github.findAll(postRequestedFor(urlEqualTo("/repos/acme/api/pulls")))) {
            JsonNode pull = JSON.readTree(request.getBodyAsString());
            if (pull.path("title").asText().contains(titlePart)) {
                return pull.path("head").asText();
            }
        }
        throw new AssertionError("no pull request titled with " + titlePart);
    }

    private static List<String> slackReplies(String threadTs) throws IOException {
        List<String> texts = new ArrayList<>();
        for (var request : github.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(threadTs))))) {
            texts.add(JSON.readTree(request.getBodyAsString()).path("text").asText());
        }
        return texts;
    }

    private static int sendSlackMention(String ts, String text) throws Exception {
        return sendSlackMention(ts, text, "C0REAL", null);
    }

    /** A mention, or with {@code threadTs} a reply in that thread (a message event). */
    private static int sendSlackMention(String ts, String text, String channel, String threadTs) throws Exception {
        String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0REAL\",\"team_id\":\"T0REAL\",\"event_id\":\"Ev"
                + UUID.randomUUID() + "\",\"event\":{\"type\":\"" + (threadTs == null ? "app_mention" : "message")
                + "\",\"user\":\"U0ANA\",\"text\":\"" + text + "\",\"ts\":\"" + ts + "\",\"channel\":\"" + channel + "\""
                + (threadTs == null ? "" : ",\"thread_ts\":\"" + threadTs + "\"") + "}}";
        long timestamp = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SLACK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/webhooks/slack/events"))
                .header("Content-Type", "application/json").header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> awaitReplies(int count) throws IOException {
        await().atMost(Duration.ofSeconds(120)).until(() -> replies().size() >= count);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> replies().size() == count);
        return replies();
    }

    /** The agent's replies on issue 7 (its notices, such as a question to confirm, left out). */
    private static List<String> replies() throws IOException {
        return comments().stream().filter(body -> !body.contains("<!-- agent-services:notice")).toList();
    }

    private static List<String> notices() throws IOException {
        return comments().stream().filter(body -> body.contains("<!-- agent-services:notice")).toList();
    }

    private static List<String> comments() throws IOException {
        List<String> bodies = new ArrayList<>();
        for (var request : github.findAll(postRequestedFor(urlPathEqualTo("/repos/acme/api/issues/7/comments")))) {
            bodies.add(JSON.readTree(request.getBodyAsString()).path("body").asText());
        }
        return bodies;
    }

    private static int sendComment(long commentId, String text) throws Exception {
        String body = JSON.createObjectNode().put("action", "created")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("issue", JSON.createObjectNode().put("number", 7)
                        .put("title", ISSUE_TITLE).<com.fasterxml.jackson.databind.node.ObjectNode>set("user",
                                JSON.createObjectNode().put("login", "ana")))
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("comment", JSON.createObjectNode().put("id", commentId)
                        .put("body", text).put("author_association", "MEMBER")
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("user", JSON.createObjectNode().put("login", "ana")
                                .put("type", "User")))
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("repository", JSON.createObjectNode().put("full_name", "acme/api")
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("owner", JSON.createObjectNode().put("login", "acme")))
                .toString();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "issue_comment")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString()).header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Runs a command in {@code dir} and returns its output; fails on a non-zero exit. */
    private static String command(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + errors);
        }
        return output;
    }

    private static void start(String module, int port, Map<String, String> environment) throws IOException {
        Map<String, String> all = new HashMap<>(environment);
        all.put("NATS_URL", nats.localUrl());
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        services.add(PackagedServices.start(module, "real-cli", all));
    }
}

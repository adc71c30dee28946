package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The default policy: post the turn's final assistant message and its artifacts to where the request came
 * from: Slack {@code chat.postMessage} in the thread, a Jira comment, a GitHub issue comment. Without the
 * credentials for the source (local mode) the reply goes to the log; the session record has it too. A
 * refused post throws, so the outcome is retried with backoff and dead-lettered at last.
 */
@Singleton
public class DefaultAgentPolicy implements AgentPolicy {

    private static final Logger LOG = Logger.getLogger(DefaultAgentPolicy.class);

    private final SlackApi slack;
    private final Optional<String> jiraApiUrl;
    private final Map<String, JiraApi> jiraClients = new ConcurrentHashMap<>();
    private final GithubApi github;
    private final Optional<String> dashboardUrl;

    public DefaultAgentPolicy(@RestClient SlackApi slack, @RestClient GithubApi github,
            @ConfigProperty(name = "jira.api-url") Optional<String> jiraApiUrl,
            @ConfigProperty(name = "dashboard.url") Optional<String> dashboardUrl) {
        this.slack = slack;
        this.dashboardUrl = dashboardUrl;
        this.jiraApiUrl = jiraApiUrl;
        this.github = github;
    }

    @Override
    public void onTurnEnded(Agent agent, Session session, RunOutcome outcome) {
        post(agent, session, replyText(outcome));
    }

    @Override
    public void onRunFailed(Agent agent, Session session, String reason) {
        post(agent, session, "The run failed: " + reason + "."
                + dashboardUrl.map(url -> " Session: " + url.replaceAll("/+$", "") + "/#session=" + session.id()).orElse(""));
    }

    private void post(Agent agent, Session session, String text) {
        switch (session.source()) {
            case SLACK -> postToSlack(agent, session, text);
            case JIRA -> commentOnJira(agent, session, text);
            case GITHUB -> commentOnGithub(agent, session, text);
            case DASHBOARD -> LOG.infof("Turn %d of dashboard session %s ended; its record holds the reply", session.turn(),
                    session.id());
        }
    }

    /** Where the whole of an answer too long for its thread can be read. */
    private String more(Session session) {
        return dashboardUrl.map(url -> "the whole answer: " + url.replaceAll("/+$", "") + "/#session=" + session.id())
                .orElse("the whole answer is in session " + session.id() + " on the dashboard");
    }

    private void commentOnJira(Agent agent, Session session, String text) {
        Agent.JiraAccount jira = agent.jira().orElse(null);
        String baseUrl = jiraApiUrl.or(() -> jira == null ? Optional.empty() : jira.baseUrl()).orElse(null);
        if (jira == null || jira.email().isEmpty() || jira.apiToken().isEmpty() || baseUrl == null) {
            LOG.infof("Reply for %s (no JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN; not posted):%n%s", session.key(), text);
            return;
        }
        String credentials = jira.email().get() + ":" + jira.apiToken().get().reveal();
        JiraApi client = jiraClients.computeIfAbsent(baseUrl,
                url -> QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(url)).build(JiraApi.class));
        for (String piece : ReplyPieces.of(text, ReplyPieces.JIRA_LIMIT, more(session))) {
            client.addComment("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)),
                    session.origin().jiraIssueKey(), new JiraApi.Comment(piece));
        }
    }

    private void commentOnGithub(Agent agent, Session session, String text) {
        var token = agent.github().flatMap(Agent.GithubApp::token);
        if (token.isEmpty()) {
            LOG.infof("Reply for %s (no GITHUB_TOKEN; not posted):%n%s", session.key(), text);
            return;
        }
        String[] repository = session.origin().githubRepository().split("/", 2);
        for (String piece : ReplyPieces.of(text, ReplyPieces.GITHUB_LIMIT, more(session))) {
            github.createComment("Bearer " + token.get().reveal(), "application/vnd.github+json", repository[0], repository[1],
                    session.origin().githubNumber(), new GithubApi.Comment(piece));
        }
    }

    private void postToSlack(Agent agent, Session session, String text) {
        var token = agent.slack().flatMap(Agent.SlackApp::botToken);
        if (token.isEmpty()) {
            LOG.infof("Reply for %s (no Slack bot token; not posted):%n%s", session.key(), text);
            return;
        }
        for (String piece : ReplyPieces.of(text, ReplyPieces.SLACK_LIMIT, more(session))) {
            SlackApi.SlackResponse response = slack.postMessage("Bearer " + token.get().reveal(),
                    new SlackApi.PostMessage(session.origin().slackChannel(), session.origin().slackThreadTs(), piece));
            if (response == null || !response.ok()) {
                throw new IllegalStateException("Slack refused chat.postMessage: " + (response == null ? "no answer" : response.error()));
            }
        }
    }

    /** The final message, then the artifacts as a list; a failed turn says so. */
    static String replyText(RunOutcome outcome) {
        StringBuilder text = new StringBuilder();
        if (outcome.status() != SessionStatus.SUCCEEDED) {
            text.append("The turn failed").append(outcome.error() == null ? "." : ": " + outcome.error()).append('\n');
        }
        if (outcome.finalMessage() != null && !outcome.finalMessage().isBlank()) {
            text.append(outcome.finalMessage().strip());
        }
        if (!outcome.artifacts().isEmpty()) {
            text.append("\n\n");
            for (Artifact artifact : outcome.artifacts()) {
                text.append("• ").append(artifact.kind()).append(": ")
                        .append(artifact.title() == null ? "" : artifact.title())
                        .append(artifact.url() == null ? "" : " " + artifact.url()).append('\n');
            }
        }
        return text.toString().strip();
    }
}

package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Session;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Posts an agent's replies to where the request came from: Slack {@code chat.postMessage} in the thread
 * (a question with Block Kit buttons), a Jira comment, a GitHub issue comment. Without the
 * credentials for the source (local mode) the reply goes to the log; the session record has it too. A
 * refused post throws, so the outcome is retried with backoff and dead-lettered at last. Every Slack reply
 * carries metadata ({@code agent_services_reply}: session, its {@link ReplyMark}, piece), every GitHub reply a
 * hidden marker line and every Jira reply a comment property ({@code agent-services.reply}), so that a retry
 * after a crash finds what was already posted ({@code conversations.replies}, the issue's comments) and posts
 * only the rest: each reply once, across crashes.
 */
@Singleton
public class ReplyPoster {

    private static final Logger LOG = Logger.getLogger(ReplyPoster.class);
    /** The metadata event type of every Slack reply, with session id, its mark and piece as its payload. */
    static final String REPLY_EVENT = "agent_services_reply";
    private static final String GITHUB_JSON = "application/vnd.github+json";
    /** The entity property every Jira reply comment carries: session id, turn and piece. */
    static final String JIRA_PROPERTY = "agent-services.reply";
    private static final int MAX_PAGES = 20;
    /** Notices (a run that waits) carry these instead of the reply marks. */
    static final String NOTICE_EVENT = "agent_services_notice";
    static final String NOTICE_MARKER = "<!-- agent-services:notice session=%s run=%d -->";
    static final String NOTICE_PROPERTY = "agent-services.notice";

    private final SlackApi slack;
    private final JiraSites jira;
    private final GithubApi github;
    private final GithubAppTokens githubTokens;
    private final Optional<String> dashboardUrl;

    public ReplyPoster(@RestClient SlackApi slack, @RestClient GithubApi github, GithubAppTokens githubTokens,
            JiraSites jira, @ConfigProperty(name = "dashboard.url") Optional<String> dashboardUrl) {
        this.slack = slack;
        this.dashboardUrl = dashboardUrl;
        this.jira = jira;
        this.github = github;
        this.githubTokens = githubTokens;
    }

    /**
     * One message, marked as a notice (not a reply piece, so the look for what a turn's reply already posted
     * never counts it): Slack metadata {@value #NOTICE_EVENT}, a hidden GitHub marker, a Jira property.
     */
    public void notice(Agent agent, Session session, String notice) {
        Map<String, Object> about = Map.of("session_id", session.id(), "run", session.run());
        switch (session.source()) {
            case SLACK -> slackAuthorization(agent, session, notice).ifPresent(authorization -> checked(slack.postMessage(
                    authorization, new SlackApi.PostMessage(session.origin().slackChannel(), session.origin().slackThreadTs(),
                            notice, new SlackApi.Metadata(NOTICE_EVENT, about), null))));
            case JIRA -> jiraTarget(agent, session, notice).ifPresent(jira -> jira.client().addComment(jira.authorization(),
                    session.origin().jiraIssueKey(), new JiraApi.Comment(notice, List.of(new JiraApi.Property(NOTICE_PROPERTY, about)))));
            case GITHUB -> githubAuthorization(agent, session, notice).ifPresent(authorization -> {
                String[] repository = session.origin().githubRepository().split("/", 2);
                github.createComment(authorization, GITHUB_JSON, repository[0], repository[1], session.origin().githubNumber(),
                        new GithubApi.Comment(notice + "\n\n" + NOTICE_MARKER.formatted(session.id(), session.run())));
            });
            case DASHBOARD -> LOG.infof("Dashboard session %s: %s", session.id(), notice);
        }
    }

    /**
     * Posts {@code text} (or {@code question}, when given) as the reply {@code mark}; throws when the place
     * refused it. {@code retry} says that an earlier attempt may have posted part or all of it before it died:
     * look before posting again.
     */
    public void post(Agent agent, Session session, ReplyMark mark, String text, Question question, boolean retry) {
        String whole = question == null ? text : question.asText();
        switch (session.source()) {
            case SLACK -> postToSlack(agent, session, mark, whole, question, retry);
            case JIRA -> commentOnJira(agent, session, mark, whole, retry);
            case GITHUB -> commentOnGithub(agent, session, mark, whole, retry);
            case DASHBOARD -> LOG.infof("Dashboard session %s: %s %d answered; its record holds the reply", session.id(),
                    mark.kind(), mark.number());
        }
    }

    /** Where the whole of an answer too long for its thread can be read. */
    private String more(Session session) {
        return dashboardUrl.map(url -> "the whole answer: " + url.replaceAll("/+$", "") + "/#session=" + session.id())
                .orElse("the whole answer is in session " + session.id() + " on the dashboard");
    }

    /** The agent's Jira site, or empty (and {@code text} logged instead) when it has no Jira credentials. */
    private Optional<JiraSites.Site> jiraTarget(Agent agent, Session session, String text) {
        Optional<JiraSites.Site> site = jira.of(agent);
        if (site.isEmpty()) {
            LOG.infof("Reply for %s (no JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN; not posted):%n%s", session.key(), text);
        }
        return site;
    }

    private void commentOnJira(Agent agent, Session session, ReplyMark mark, String text, boolean retry) {
        JiraSites.Site target = jiraTarget(agent, session, text).orElse(null);
        if (target == null) {
            return;
        }
        JiraApi client = target.client();
        String authorization = target.authorization();
        String issueKey = session.origin().jiraIssueKey();
        List<String> pieces = ReplyPieces.of(text, ReplyPieces.JIRA_LIMIT, more(session));
        Set<Integer> posted = retry ? jiraPosted(client, authorization, issueKey, session, mark) : Set.of();
        for (int piece = 0; piece < pieces.size(); piece++) {
            if (posted.contains(piece)) {
                logPostedBefore(session, mark, piece, pieces.size());
                continue;
            }
            client.addComment(authorization, issueKey, new JiraApi.Comment(pieces.get(piece), List.of(new JiraApi.Property(
                    JIRA_PROPERTY, mark.payload(session.id(), piece)))));
        }
    }

    private static void logPostedBefore(Session session, ReplyMark mark, int piece, int pieces) {
        LOG.infof("Reply %d/%d of %s %d of %s was posted before the worker restarted; not again", piece + 1, pieces,
                mark.kind(), mark.number(), session.key());
    }

    /** Which pieces of the reply the issue already has, by the property every reply comment carries. */
    private static Set<Integer> jiraPosted(JiraApi client, String authorization, String issueKey, Session session, ReplyMark mark) {
        Set<Integer> pieces = new HashSet<>();
        int startAt = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            JiraApi.Comments comments = client.comments(authorization, issueKey, "properties", startAt, 100);
            List<JiraApi.PostedComment> found = comments == null || comments.comments() == null ? List.of() : comments.comments();
            for (JiraApi.PostedComment comment : found) {
                for (JiraApi.Property property : comment.properties() == null ? List.<JiraApi.Property>of() : comment.properties()) {
                    int piece = JIRA_PROPERTY.equals(property.key()) ? mark.pieceOf(property.value(), session.id()) : -1;
                    if (piece >= 0) {
                        pieces.add(piece);
                    }
                }
            }
            startAt += found.size();
            if (found.isEmpty() || startAt >= comments.total()) {
                break;
            }
        }
        return pieces;
    }

    private void commentOnGithub(Agent agent, Session session, ReplyMark mark, String text, boolean retry) {
        String authorization = githubAuthorization(agent, session, text).orElse(null);
        if (authorization == null) {
            return;
        }
        String[] repository = session.origin().githubRepository().split("/", 2);
        List<String> pieces = ReplyPieces.of(text, ReplyPieces.GITHUB_LIMIT - 100, more(session));
        Set<String> posted = retry ? githubPosted(authorization, repository, session.origin().githubNumber()) : Set.of();
        for (int piece = 0; piece < pieces.size(); piece++) {
            String marker = mark.githubMarker(session.id(), piece);
            if (posted.contains(marker)) {
                logPostedBefore(session, mark, piece, pieces.size());
                continue;
            }
            github.createComment(authorization, GITHUB_JSON, repository[0], repository[1], session.origin().githubNumber(),
                    new GithubApi.Comment(pieces.get(piece) + "\n\n" + marker));
        }
    }

    /** The reply markers in the issue's comments: each reply comment ends with one, hidden in the rendered page. */
    private Set<String> githubPosted(String authorization, String[] repository, long number) {
        Set<String> markers = new HashSet<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            List<GithubApi.IssueComment> comments = github.comments(authorization, GITHUB_JSON, repository[0], repository[1],
                    number, 100, page);
            comments.stream().map(GithubApi.IssueComment::body).filter(body -> body != null)
                    .map(body -> body.substring(body.lastIndexOf('\n') + 1)).filter(line -> line.startsWith("<!-- agent-services:"))
                    .forEach(markers::add);
            if (comments.size() < 100) {
                break;
            }
        }
        return markers;
    }

    private void postToSlack(Agent agent, Session session, ReplyMark mark, String text, Question question, boolean retry) {
        String authorization = slackAuthorization(agent, session, text).orElse(null);
        if (authorization == null) {
            return;
        }
        // a question is one message: its text is cut to what a section block holds, its answers are the buttons
        List<String> pieces = ReplyPieces.of(text, ReplyPieces.SLACK_LIMIT, more(session));
        if (question != null) {
            pieces = pieces.subList(0, 1);
        }
        Set<Integer> posted = retry ? slackPosted(authorization, session, mark) : Set.of();
        for (int piece = 0; piece < pieces.size(); piece++) {
            if (posted.contains(piece)) {
                logPostedBefore(session, mark, piece, pieces.size());
                continue;
            }
            checked(slack.postMessage(authorization, new SlackApi.PostMessage(session.origin().slackChannel(),
                    session.origin().slackThreadTs(), withoutBroadcasts(pieces.get(piece)),
                    new SlackApi.Metadata(REPLY_EVENT, mark.payload(session.id(), piece)),
                    question == null ? null : question.blocks())));
        }
    }

    /**
     * {@code text} with Slack's broadcast mentions ({@code <!channel>}, {@code <!here>}, {@code <!everyone>},
     * {@code <!subteam^…>}) shown as text instead of notifying: what an agent posts comes from a program that
     * anyone in the thread can talk into, and must not page a whole channel.
     */
    static String withoutBroadcasts(String text) {
        return text == null ? null : text.replace("<!", "&lt;!");
    }

    private static void checked(SlackApi.SlackResponse response) {
        if (response == null || !response.ok()) {
            throw new IllegalStateException("Slack refused chat.postMessage: " + (response == null ? "no answer" : response.error()));
        }
    }

    /** {@code Bearer} and the agent's bot token, or empty (and {@code text} logged instead) when it has none. */
    private static Optional<String> slackAuthorization(Agent agent, Session session, String text) {
        var token = agent.slack().flatMap(Agent.SlackApp::botToken);
        if (token.isEmpty()) {
            LOG.infof("Reply for %s (no Slack bot token; not posted):%n%s", session.key(), text);
        }
        return token.map(secret -> "Bearer " + secret.reveal());
    }

    /**
     * Tells someone who may not ask the agent for work, where they asked (their issue, their Slack thread), that it
     * starts nothing and why: once per person and place (the caller keeps count). Nothing of what they wrote is quoted.
     */
    public void outsiderNotice(Agent agent, dev.agentservices.common.session.Origin origin, String author, String why) {
        if (origin.slackChannel() != null) {
            String text = "shared_channel".equals(why)
                    ? "<@" + author + "> I take no requests in channels shared with other organizations, so this message starts nothing."
                    : "<@" + author + "> only members of this workspace can ask me for work, so this message starts nothing. "
                            + "A member can ask for it in this thread.";
            agent.slack().flatMap(Agent.SlackApp::botToken).ifPresentOrElse(token -> checked(slack.postMessage("Bearer " + token.reveal(),
                    new SlackApi.PostMessage(origin.slackChannel(), origin.slackThreadTs(), text,
                            new SlackApi.Metadata(NOTICE_EVENT, Map.of("outsider", author)), null))),
                    () -> LOG.infof("Outsider notice in %s (no Slack bot token; not posted)", origin.slackChannel()));
            return;
        }
        String repository = origin.githubRepository();
        String handle = agent.github().map(Agent.GithubApp::handle).orElse(agent.name());
        String owner = repository.substring(0, repository.indexOf('/'));
        String text = "@" + author + " only members and collaborators of " + owner + " can ask @" + handle
                + " for work here, so this comment starts nothing. A member can ask for it in this thread.";
        githubTokens.authorization(agent, repository).ifPresentOrElse(authorization -> {
            String[] parts = repository.split("/", 2);
            github.createComment(authorization, GITHUB_JSON, parts[0], parts[1], origin.githubNumber(),
                    new GithubApi.Comment(text + "\n\n<!-- agent-services:outsider -->"));
        }, () -> LOG.infof("Outsider notice for %s#%d (no GITHUB_APP_ID nor GITHUB_TOKEN; not posted)", repository,
                origin.githubNumber()));
    }

    /** The GitHub App's installation token for the repository, else {@code GITHUB_TOKEN}. */
    private Optional<String> githubAuthorization(Agent agent, Session session, String text) {
        Optional<String> authorization = githubTokens.authorization(agent, session.origin().githubRepository());
        if (authorization.isEmpty()) {
            LOG.infof("Reply for %s (no GITHUB_APP_ID nor GITHUB_TOKEN; not posted):%n%s", session.key(), text);
        }
        return authorization;
    }

    /** Which pieces of the reply the thread already has, by the metadata every reply carries. */
    private Set<Integer> slackPosted(String authorization, Session session, ReplyMark mark) {
        Set<Integer> pieces = new HashSet<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            SlackApi.Replies replies = slack.replies(authorization, session.origin().slackChannel(),
                    session.origin().slackThreadTs(), true, 200, cursor);
            if (replies == null || !replies.ok()) {
                throw new IllegalStateException("Slack refused conversations.replies: " + (replies == null ? "no answer" : replies.error()));
            }
            for (SlackApi.ReplyMessage message : replies.messages() == null ? List.<SlackApi.ReplyMessage>of() : replies.messages()) {
                SlackApi.Metadata metadata = message.metadata();
                int piece = metadata != null && REPLY_EVENT.equals(metadata.eventType())
                        ? mark.pieceOf(metadata.eventPayload(), session.id()) : -1;
                if (piece >= 0) {
                    pieces.add(piece);
                }
            }
            cursor = replies.responseMetadata() == null ? null : replies.responseMetadata().nextCursor();
            if (cursor == null || cursor.isBlank()) {
                break;
            }
        }
        return pieces;
    }
}

package dev.agentservices.worker.workspace;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.worker.reply.GithubApi;
import dev.agentservices.worker.reply.GithubAppTokens;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Works out the repository a session works on before its first run, and what the request is about: a GitHub
 * session works on the event's repository, on a branch {@code {agent}/{short session id}} from the default
 * branch, or on the pull request's own branch when the conversation is a pull request of that repository. Its
 * briefing is the issue or pull request with its latest comments, read through the API (the webhook carries
 * only the comment). Sessions from elsewhere work in an empty folder. Blocks on GitHub.
 */
@Singleton
public class WorkspacePlanner {

    private static final Logger LOG = Logger.getLogger(WorkspacePlanner.class);
    private static final String ACCEPT = "application/vnd.github+json";
    /** The latest comments the briefing quotes, and the most of each it keeps. */
    static final int COMMENTS_QUOTED = 10;
    static final int COMMENT_KEPT = 4_000;

    private final GithubApi github;
    private final GithubAppTokens tokens;

    public WorkspacePlanner(@RestClient GithubApi github, GithubAppTokens tokens) {
        this.github = github;
        this.tokens = tokens;
    }

    /**
     * The workspace of {@code session}, or empty when it works on no repository. GitHub's 4xx (no access, gone)
     * leave the briefing out; a 5xx or an unreachable GitHub throws, so the launch is tried again.
     */
    public Optional<Workspace> plan(Agent agent, Session session) {
        Origin origin = session.origin();
        if (origin == null || origin.githubRepository() == null || origin.githubNumber() == null) {
            return Optional.empty();
        }
        String repository = origin.githubRepository();
        String ownBranch = branchName(agent.name(), session.id());
        Optional<String> authorization = tokens.authorization(agent, repository);
        if (authorization.isEmpty()) {
            LOG.warnf("Session %s works on %s without a briefing: the agent has no GitHub App nor GITHUB_TOKEN", session.id(),
                    repository);
            return Optional.of(new Workspace(repository, null, ownBranch, null, null, null));
        }
        String[] name = repository.split("/", 2);
        long number = origin.githubNumber();
        try {
            GithubApi.Issue issue = github.issue(authorization.get(), ACCEPT, name[0], name[1], number);
            List<GithubApi.IssueComment> comments = github.comments(authorization.get(), ACCEPT, name[0], name[1],
                    number, 100, 1);
            String briefing = briefing(repository, issue, comments);
            if (issue.pullRequest() != null) {
                GithubApi.PullRequest pull = github.pull(authorization.get(), ACCEPT, name[0], name[1], number);
                boolean sameRepository = pull.head() != null && pull.head().repo() != null
                        && repository.equalsIgnoreCase(pull.head().repo().fullName());
                if (sameRepository) {
                    // the conversation is this pull request: the work goes onto its branch, and into it
                    return Optional.of(new Workspace(repository, pull.head().ref(), pull.head().ref(), number, pull.htmlUrl(),
                            briefing));
                }
                // a fork's branch takes no push from here: the work starts from the pull request's base on a branch of its own
                return Optional.of(new Workspace(repository, pull.base() == null ? null : pull.base().ref(), ownBranch, null, null,
                        briefing));
            }
            return Optional.of(new Workspace(repository, null, ownBranch, null, null, briefing));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() >= 500) {
                throw e;
            }
            LOG.warnf("Session %s works on %s without a briefing: GitHub answered %d for %s#%d", session.id(), repository,
                    e.getResponse().getStatus(), repository, number);
            return Optional.of(new Workspace(repository, null, ownBranch, null, null, null));
        }
    }

    /** {@code {agent}/{the session id's first 8 characters}}: short, and one per session. */
    static String branchName(String agent, String sessionId) {
        return agent + "/" + sessionId.replace("-", "").substring(0, Math.min(8, sessionId.replace("-", "").length()))
                .toLowerCase(java.util.Locale.ROOT);
    }

    static String briefing(String repository, GithubApi.Issue issue, List<GithubApi.IssueComment> comments) {
        StringBuilder text = new StringBuilder();
        text.append(issue.pullRequest() != null ? "GitHub pull request " : "GitHub issue ").append(repository).append('#')
                .append(issue.number()).append(": ").append(issue.title() == null ? "" : issue.title()).append('\n')
                .append("Opened by ").append(author(issue.user(), issue.authorAssociation())).append("\n\n")
                .append(issue.body() == null || issue.body().isBlank() ? "(no description)" : cut(issue.body())).append('\n');
        List<GithubApi.IssueComment> latest = comments.subList(Math.max(0, comments.size() - COMMENTS_QUOTED), comments.size());
        if (!latest.isEmpty()) {
            text.append("\nLatest comments, oldest first")
                    .append(comments.size() > latest.size() ? " (" + (comments.size() - latest.size()) + " earlier ones left out)" : "")
                    .append(":\n");
            for (GithubApi.IssueComment comment : latest) {
                text.append("\n--- comment by ").append(author(comment.user(), comment.authorAssociation())).append(":\n")
                        .append(comment.body() == null ? "" : cut(comment.body())).append('\n');
            }
        }
        return text.toString();
    }

    private static String author(GithubApi.User user, String association) {
        return "@" + (user == null || user.login() == null ? "unknown" : user.login())
                + (association == null ? "" : " (" + association.toLowerCase(java.util.Locale.ROOT) + ")");
    }

    private static String cut(String text) {
        return text.length() <= COMMENT_KEPT ? text : text.substring(0, COMMENT_KEPT) + " [… cut]";
    }
}

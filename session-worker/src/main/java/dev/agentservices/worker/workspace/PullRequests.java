package dev.agentservices.worker.workspace;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.worker.reply.GithubApi;
import dev.agentservices.worker.reply.GithubAppTokens;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Turns a pushed branch into the session's draft pull request: opened once per session into the repository's
 * default branch (or found again: a redelivered outcome, or a crash between opening it and recording it, looks
 * for an open pull request of the branch first), then updated by every later push. A session about a pull
 * request of the same repository pushes onto that pull request's branch and opens none. The pull request
 * joins the turn's artifacts, so the reply and the dashboard link it. Blocks on GitHub.
 */
@Singleton
public class PullRequests {

    private static final Logger LOG = Logger.getLogger(PullRequests.class);
    private static final String ACCEPT = "application/vnd.github+json";
    /** What a run reports after it pushed its branch: {@code {kind: "branch", title: <branch>}}. */
    public static final String BRANCH = "branch";
    public static final String PULL_REQUEST = "pull_request";

    private final GithubApi github;
    private final GithubAppTokens tokens;
    private final SessionRepository store;

    public PullRequests(@RestClient GithubApi github, GithubAppTokens tokens, SessionRepository store) {
        this.github = github;
        this.tokens = tokens;
        this.store = store;
    }

    /**
     * The turn's artifacts with the session's pull request added when the run pushed its branch. A GitHub 4xx
     * (no rights, nothing to compare) is said in the artifact instead of a link; a 5xx or an unreachable GitHub
     * throws, so the outcome is applied again later.
     */
    public List<Artifact> withPullRequest(Agent agent, Session session, List<Artifact> artifacts) {
        Workspace workspace = session.workspace();
        Optional<Artifact> pushed = artifacts == null ? Optional.empty()
                : artifacts.stream().filter(artifact -> BRANCH.equals(artifact.kind())).findFirst();
        if (workspace == null || !workspace.hasRepository() || pushed.isEmpty() || artifacts.stream().anyMatch(a -> PULL_REQUEST.equals(a.kind()))) {
            return artifacts;
        }
        List<Artifact> all = new ArrayList<>(artifacts);
        if (workspace.pullRequest() != null) {
            all.add(new Artifact(PULL_REQUEST, "#" + workspace.pullRequest(), workspace.pullRequestUrl()));
            return List.copyOf(all);
        }
        Optional<String> authorization = tokens.authorization(agent, workspace.repository());
        if (authorization.isEmpty()) {
            all.add(new Artifact(PULL_REQUEST, "not opened: the agent has no GitHub App nor GITHUB_TOKEN", null));
            return List.copyOf(all);
        }
        String[] name = workspace.repository().split("/", 2);
        try {
            GithubApi.PullRequest pull = existing(authorization.get(), name, workspace.branch()).orElseGet(() -> {
                String base = github.repository(authorization.get(), ACCEPT, name[0], name[1]).defaultBranch();
                return github.createPull(authorization.get(), ACCEPT, name[0], name[1], new GithubApi.NewPullRequest(
                        title(session), workspace.branch(), base, body(agent, session), true));
            });
            store.update(session.id(), current -> current.workspace() == null || current.workspace().pullRequest() != null ? current
                    : current.withWorkspace(current.workspace().withPullRequest(pull.number(), pull.htmlUrl())));
            LOG.infof("Session %s: draft pull request %s#%d for branch %s", session.id(), workspace.repository(), pull.number(),
                    workspace.branch());
            all.add(new Artifact(PULL_REQUEST, "#" + pull.number() + " (draft)", pull.htmlUrl()));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() >= 500) {
                throw e;
            }
            LOG.warnf("Session %s: GitHub answered %d to the draft pull request for %s", session.id(), e.getResponse().getStatus(),
                    workspace.branch());
            all.add(new Artifact(PULL_REQUEST, "not opened: GitHub answered " + e.getResponse().getStatus(), null));
        }
        return List.copyOf(all);
    }

    private Optional<GithubApi.PullRequest> existing(String authorization, String[] name, String branch) {
        return github.pulls(authorization, ACCEPT, name[0], name[1], name[0] + ":" + branch, "open").stream().findFirst();
    }

    private static String title(Session session) {
        String title = session.title() == null || session.title().isBlank() ? "Work of session " + session.id() : session.title();
        return title.length() <= 200 ? title : title.substring(0, 199) + "…";
    }

    private static String body(Agent agent, Session session) {
        String from = session.origin() != null && session.origin().githubRepository() != null
                ? "For " + session.origin().githubRepository() + "#" + session.origin().githubNumber() + "."
                : "From " + session.key() + ".";
        return from + "\n\nA draft by " + agent.name() + " (agent-services session " + session.id() + "), pushed to `"
                + session.workspace().branch() + "`. Later turns of the session push to the same branch. Review before merging.";
    }
}

package dev.agentservices.worker.workspace;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Session;
import dev.agentservices.worker.reply.JiraApi;
import dev.agentservices.worker.reply.JiraSites;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ProcessingException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A Jira session's briefing: its ticket's summary, description and latest comments, read through Jira's REST API with
 * the agent's account. A ticket Jira does not show (no credentials, no access, unreachable) leaves the briefing out.
 */
@Singleton
public class JiraTickets {

    private static final Logger LOG = Logger.getLogger(JiraTickets.class);
    private static final String FIELDS = "summary,description,reporter,comment";

    private final JiraSites sites;

    public JiraTickets(JiraSites sites) {
        this.sites = sites;
    }

    /** The ticket of a Jira session, as the briefing quotes it; empty for other sessions. */
    public Optional<String> ticket(Agent agent, Session session) {
        String issueKey = session.origin() == null ? null : session.origin().jiraIssueKey();
        if (issueKey == null) {
            return Optional.empty();
        }
        Optional<JiraSites.Site> site = sites.of(agent);
        if (site.isEmpty()) {
            return Optional.empty();
        }
        try {
            JiraApi.Issue issue = site.get().client().issue(site.get().authorization(), issueKey, FIELDS);
            return Optional.ofNullable(issue).filter(found -> found.fields() != null).map(found -> briefing(issueKey, found.fields()));
        } catch (WebApplicationException e) {
            LOG.warnf("Session %s starts without its ticket: Jira answered %d for %s", session.id(), e.getResponse().getStatus(),
                    issueKey);
        } catch (ProcessingException e) {
            LOG.warnf("Session %s starts without its ticket: Jira could not be reached (%s)", session.id(), e.getMessage());
        }
        return Optional.empty();
    }

    static String briefing(String issueKey, JiraApi.IssueFields fields) {
        StringBuilder text = new StringBuilder("Jira ticket ").append(issueKey).append(": ")
                .append(fields.summary() == null ? "" : fields.summary()).append('\n')
                .append("Reported by ").append(name(fields.reporter())).append("\n\n")
                .append(fields.description() == null || fields.description().isBlank() ? "(no description)"
                        : WorkspacePlanner.quoted(fields.description()))
                .append('\n');
        List<JiraApi.IssueComment> comments = fields.comment() == null || fields.comment().comments() == null ? List.of()
                : fields.comment().comments();
        List<JiraApi.IssueComment> latest = comments.subList(Math.max(0, comments.size() - WorkspacePlanner.COMMENTS_QUOTED),
                comments.size());
        if (!latest.isEmpty()) {
            int earlier = Math.max(fields.comment().total(), comments.size()) - latest.size();
            text.append("\nLatest comments, oldest first").append(earlier > 0 ? " (" + earlier + " earlier ones left out)" : "")
                    .append(":\n");
            for (JiraApi.IssueComment comment : latest) {
                text.append("\n--- comment by ").append(name(comment.author())).append(":\n")
                        .append(comment.body() == null ? "" : WorkspacePlanner.quoted(comment.body())).append('\n');
            }
        }
        return text.toString();
    }

    private static String name(JiraApi.User user) {
        return user == null || user.displayName() == null ? "unknown" : user.displayName();
    }
}

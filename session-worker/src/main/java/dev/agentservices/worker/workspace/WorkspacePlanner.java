package dev.agentservices.worker.workspace;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.reply.GithubApi;
import dev.agentservices.worker.reply.GithubAppTokens;
import dev.agentservices.worker.reply.SlackApi;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Works out the repository a session works on before its first run, and what the request is about: a GitHub
 * session works on the event's repository, on a branch {@code {agent}/{short session id}} from the default
 * branch, or on the pull request's own branch when the conversation is a pull request of that repository. Its
 * briefing is the issue or pull request with its latest comments, read through the API (the webhook carries
 * only the comment). A session from Slack, Jira or the dashboard works on the repository its first message
 * names ({@code owner/name} or a GitHub address, when the agent's GitHub access reaches it and its owner is one
 * of the agent's {@code GITHUB_ALLOWED_ORGANIZATIONS}, if it names any), else the one its team maps its Slack
 * channel or Jira project to, else its team's one repository, else the agent's {@code DEFAULT_REPOSITORY}, else in
 * an empty folder; a Slack session's briefing is its thread so far, a Jira session's its ticket (see
 * {@link JiraTickets}). Blocks on GitHub, Slack and Jira.
 */
@Singleton
public class WorkspacePlanner {

    private static final Logger LOG = Logger.getLogger(WorkspacePlanner.class);
    private static final String ACCEPT = "application/vnd.github+json";
    /** The latest comments the briefing quotes, and the most of each it keeps. */
    static final int COMMENTS_QUOTED = 10;
    static final int COMMENT_KEPT = 4_000;

    /** {@code owner/name} standing alone in a text, or at the end of a GitHub address. */
    private static final Pattern NAMED_REPOSITORY = Pattern.compile(
            "(?<![\\w./-])(?:https?://github\\.com/)?([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})(?![\\w/-])");
    /** The thread's messages the briefing quotes, and the most of each it keeps. */
    static final int THREAD_MESSAGES_QUOTED = 30;

    private final GithubApi github;
    private final GithubAppTokens tokens;
    private final SlackApi slack;
    private final TeamStore teams;
    private final AgentsConfig agents;
    private final JiraTickets jira;

    public WorkspacePlanner(@RestClient GithubApi github, GithubAppTokens tokens, @RestClient SlackApi slack, TeamStore teams,
            AgentsConfig agents, JiraTickets jira) {
        this.jira = jira;
        this.github = github;
        this.tokens = tokens;
        this.slack = slack;
        this.teams = teams;
        this.agents = agents;
    }

    /**
     * The workspace of {@code session}, or empty when it works on no repository. GitHub's 4xx (no access, gone)
     * leave the briefing out; a 5xx or an unreachable GitHub throws, so the launch is tried again.
     */
    public Optional<Workspace> plan(Agent agent, Session session) {
        Origin origin = session.origin();
        if (origin == null || origin.githubRepository() == null || origin.githubNumber() == null) {
            return elsewhere(agent, session);
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
            String briefing = briefing(repository, issue, comments, allowedAssociations(agent));
            List<String> outsiders = outsiders(agent, issue, comments);
            if (issue.pullRequest() != null) {
                GithubApi.PullRequest pull = github.pull(authorization.get(), ACCEPT, name[0], name[1], number);
                boolean sameRepository = pull.head() != null && pull.head().repo() != null
                        && repository.equalsIgnoreCase(pull.head().repo().fullName());
                if (sameRepository) {
                    // the conversation is this pull request: the work goes onto its branch, and into it
                    return Optional.of(new Workspace(repository, pull.head().ref(), pull.head().ref(), number, pull.htmlUrl(),
                            briefing, outsiders));
                }
                // a fork's branch takes no push from here: the work starts from the pull request's base on a branch of its own
                return Optional.of(new Workspace(repository, pull.base() == null ? null : pull.base().ref(), ownBranch, null, null,
                        briefing, outsiders));
            }
            return Optional.of(new Workspace(repository, null, ownBranch, null, null, briefing, outsiders));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() >= 500) {
                throw e;
            }
            LOG.warnf("Session %s works on %s without a briefing: GitHub answered %d for %s#%d", session.id(), repository,
                    e.getResponse().getStatus(), repository, number);
            return Optional.of(new Workspace(repository, null, ownBranch, null, null, null));
        }
    }

    /**
     * A session from Slack, Jira or the dashboard: the repository its request names, the one its team maps its Slack
     * channel or Jira project to, its team's only one, or the agent's.
     */
    private Optional<Workspace> elsewhere(Agent agent, Session session) {
        Optional<TeamSettings> team = Optional.ofNullable(session.team()).flatMap(teams::get);
        Optional<String> repository = named(agent, session)
                .or(() -> team.flatMap(settings -> settings.repositoryFor(channelOrProject(session.origin()))))
                .or(() -> team.map(TeamSettings::githubRepositories)
                        .filter(repositories -> repositories.size() == 1).map(repositories -> repositories.get(0)))
                .or(() -> Optional.ofNullable(agents.byName().get(agent.name())).flatMap(config -> config.runner().defaultRepository())
                        .map(String::trim))
                .filter(name -> TeamSettings.REPOSITORY.matcher(name).matches());
        Optional<Briefing> briefing = slackThread(agent, session)
                .or(() -> jira.ticket(agent, session).map(text -> new Briefing(text, List.of())));
        List<String> outsiders = briefing.map(Briefing::outsiders).orElse(List.of());
        if (repository.isEmpty()) {
            // no repository: the run works in an empty folder, told what the thread or ticket says
            return briefing.map(found -> new Workspace(null, null, null, null, null, found.text(), outsiders));
        }
        return repository.map(name -> new Workspace(name, null, branchName(agent.name(), session.id()), null, null,
                briefing.map(Briefing::text).orElse(null), outsiders));
    }

    /** The Slack channel id or the Jira project key a session comes from, or null. */
    static String channelOrProject(Origin origin) {
        if (origin == null) {
            return null;
        }
        if (origin.slackChannel() != null) {
            return origin.slackChannel();
        }
        String issueKey = origin.jiraIssueKey();
        return issueKey == null || issueKey.lastIndexOf('-') < 1 ? null : issueKey.substring(0, issueKey.lastIndexOf('-'));
    }

    /** The first repository the session's first message names that the agent's GitHub access reaches. */
    private Optional<String> named(Agent agent, Session session) {
        String text = session.messages().stream().filter(m -> m.role() == null || SessionMessage.PERSON.equals(m.role()))
                .map(SessionMessage::text).filter(t -> t != null).findFirst().orElse("");
        Set<String> organizations = agent.github().map(Agent.GithubApp::allowedOrganizations).orElse(Set.of());
        for (String name : withinOrganizations(namedRepositories(text), organizations)) {
            Optional<String> authorization = tokens.authorization(agent, name);
            if (authorization.isEmpty()) {
                return Optional.empty();
            }
            try {
                String[] parts = name.split("/", 2);
                GithubApi.Repository found = github.repository(authorization.get(), ACCEPT, parts[0], parts[1]);
                if (found != null && found.fullName() != null) {
                    return Optional.of(found.fullName());
                }
            } catch (WebApplicationException e) {
                if (e.getResponse().getStatus() >= 500) {
                    throw e;
                }
                // not a repository the agent reaches ("and/or", a path): the next one, or none
            }
        }
        return Optional.empty();
    }

    /** The first three {@code owner/name}s a text names, a sentence's full stop and a {@code .git} left out. */
    static List<String> namedRepositories(String text) {
        List<String> names = new java.util.ArrayList<>();
        Matcher candidates = NAMED_REPOSITORY.matcher(text);
        while (candidates.find() && names.size() < 3) {
            String name = candidates.group(2).replaceAll("\\.+$", "").replaceAll("\\.git$", "");
            if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
                names.add(candidates.group(1) + "/" + name);
            }
        }
        return names;
    }

    /**
     * The names whose owner is one of the agent's {@code GITHUB_ALLOWED_ORGANIZATIONS} (lower case), all when it names
     * none: a request cannot send a run to a repository outside them.
     */
    static List<String> withinOrganizations(List<String> names, Set<String> organizations) {
        return organizations.isEmpty() ? names
                : names.stream().filter(name -> organizations.contains(name.split("/", 2)[0].toLowerCase(java.util.Locale.ROOT))).toList();
    }

    /** A Slack session's thread so far, people's messages only (the agent's own replies left out), oldest first. */
    /** What a run is told of its request, and who wrote part of it without being allowed to ask for work. */
    record Briefing(String text, List<String> outsiders) {
    }

    private Optional<Briefing> slackThread(Agent agent, Session session) {
        Origin origin = session.origin();
        Optional<String> token = agent.slack().flatMap(Agent.SlackApp::botToken).map(secret -> "Bearer " + secret.reveal());
        if (origin == null || origin.slackChannel() == null || token.isEmpty()) {
            return Optional.empty();
        }
        SlackApi.Replies replies;
        try {
            replies = slack.replies(token.get(), origin.slackChannel(), origin.slackThreadTs(), false, 200, null);
        } catch (WebApplicationException e) {
            LOG.warnf("Session %s starts without its thread: Slack answered %d", session.id(), e.getResponse().getStatus());
            return Optional.empty();
        }
        if (replies == null || !replies.ok() || replies.messages() == null) {
            return Optional.empty();
        }
        java.util.Set<String> allowedTeams = agent.slack().map(Agent.SlackApp::allowedTeams).orElse(java.util.Set.of());
        String text = thread(origin.slackChannel(), replies.messages(), allowedTeams);
        return text.isBlank() ? Optional.empty() : Optional.of(new Briefing(text, slackOutsiders(replies.messages(), allowedTeams)));
    }

    /** The people's messages of a thread the briefing quotes: the latest ones, bots left out. */
    private static List<SlackApi.ReplyMessage> quoted(List<SlackApi.ReplyMessage> messages) {
        List<SlackApi.ReplyMessage> people = messages.stream().filter(m -> m.botId() == null && m.user() != null && m.text() != null)
                .toList();
        return people.subList(Math.max(0, people.size() - THREAD_MESSAGES_QUOTED), people.size());
    }

    /**
     * Whether a message's author is of a workspace the agent does not serve; with no allowed workspaces set, nobody is
     * known to be (the gateway lets everyone of the workspace in).
     */
    private static boolean outsider(SlackApi.ReplyMessage message, java.util.Set<String> allowedTeams) {
        return !allowedTeams.isEmpty() && message.authorTeam() != null && !allowedTeams.contains(message.authorTeam());
    }

    static List<String> slackOutsiders(List<SlackApi.ReplyMessage> messages, java.util.Set<String> allowedTeams) {
        return quoted(messages).stream().filter(message -> outsider(message, allowedTeams)).map(SlackApi.ReplyMessage::user)
                .distinct().toList();
    }

    static String thread(String channel, List<SlackApi.ReplyMessage> messages, java.util.Set<String> allowedTeams) {
        List<SlackApi.ReplyMessage> latest = quoted(messages);
        long people = messages.stream().filter(m -> m.botId() == null && m.user() != null && m.text() != null).count();
        if (latest.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("Slack thread in channel " + channel + ", oldest first"
                + (people > latest.size() ? " (" + (people - latest.size()) + " earlier messages left out)" : "") + ":\n");
        for (SlackApi.ReplyMessage message : latest) {
            text.append("\n--- <@").append(message.user()).append("> (").append(outsider(message, allowedTeams) ? "outsider" : "member")
                    .append("):\n").append(quoted(message.text())).append('\n');
        }
        return text.toString();
    }

    /** {@code {agent}/{the session id's first 8 characters}}: short, and one per session. */
    static String branchName(String agent, String sessionId) {
        return agent + "/" + sessionId.replace("-", "").substring(0, Math.min(8, sessionId.replace("-", "").length()))
                .toLowerCase(java.util.Locale.ROOT);
    }

    static String briefing(String repository, GithubApi.Issue issue, List<GithubApi.IssueComment> comments,
            java.util.Set<String> allowed) {
        StringBuilder text = new StringBuilder();
        text.append(issue.pullRequest() != null ? "GitHub pull request " : "GitHub issue ").append(repository).append('#')
                .append(issue.number()).append(": ").append(issue.title() == null ? "" : issue.title()).append('\n')
                .append("Opened by ").append(author(issue.user(), issue.authorAssociation(), allowed)).append("\n\n")
                .append(issue.body() == null || issue.body().isBlank() ? "(no description)" : quoted(issue.body())).append('\n');
        List<GithubApi.IssueComment> latest = comments.subList(Math.max(0, comments.size() - COMMENTS_QUOTED), comments.size());
        if (!latest.isEmpty()) {
            text.append("\nLatest comments, oldest first")
                    .append(comments.size() > latest.size() ? " (" + (comments.size() - latest.size()) + " earlier ones left out)" : "")
                    .append(":\n");
            for (GithubApi.IssueComment comment : latest) {
                text.append("\n--- comment by ").append(author(comment.user(), comment.authorAssociation(), allowed)).append(":\n")
                        .append(comment.body() == null ? "" : quoted(comment.body())).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Who wrote part of the briefing (the issue, the comments it quotes) without an association that may ask the agent
     * for work: a run acts on their text only once a member confirms. Bots ({@code …[bot]}, the agent itself) are not
     * counted: their text is the platform's or the agent's own.
     */
    static List<String> outsiders(Agent agent, GithubApi.Issue issue, List<GithubApi.IssueComment> comments) {
        java.util.Set<String> allowed = allowedAssociations(agent);
        String handle = agent.github().map(Agent.GithubApp::handle).orElse(agent.name());
        java.util.Set<String> outsiders = new java.util.LinkedHashSet<>();
        java.util.function.BiConsumer<GithubApi.User, String> check = (user, association) -> {
            String login = user == null ? null : user.login();
            if (login == null || login.endsWith("[bot]") || login.equalsIgnoreCase(handle)) {
                return;
            }
            if (association == null || !allowed.contains(association.toUpperCase(java.util.Locale.ROOT))) {
                outsiders.add(login);
            }
        };
        check.accept(issue.user(), issue.authorAssociation());
        comments.subList(Math.max(0, comments.size() - COMMENTS_QUOTED), comments.size())
                .forEach(comment -> check.accept(comment.user(), comment.authorAssociation()));
        return List.copyOf(outsiders);
    }

    /** Who wrote a text and their standing: a member (an allowed association), a bot, or an outsider; and GitHub's word. */
    private static String author(GithubApi.User user, String association, java.util.Set<String> allowed) {
        String login = user == null || user.login() == null ? "unknown" : user.login();
        String standing = login.endsWith("[bot]") ? "bot"
                : association != null && allowed.contains(association.toUpperCase(java.util.Locale.ROOT)) ? "member" : "outsider";
        return "@" + login + " (" + standing + (association == null ? "" : ": " + association.toLowerCase(java.util.Locale.ROOT)) + ")";
    }

    /** The associations whose authors count as members for the agent. */
    static java.util.Set<String> allowedAssociations(Agent agent) {
        return agent.github().map(Agent.GithubApp::allowedAssociations).orElse(Agent.GithubApp.DEFAULT_ASSOCIATIONS);
    }

    /**
     * What one person wrote, as the briefing quotes it: cut to {@link #COMMENT_KEPT} characters, every line behind
     * {@code "> "}, so that no text can start a line of the briefing's own (a "--- comment by …" header) and pose as
     * another speaker.
     */
    static String quoted(String text) {
        String kept = text.length() <= COMMENT_KEPT ? text : text.substring(0, COMMENT_KEPT) + " [… cut]";
        return "> " + kept.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\n> ");
    }
}

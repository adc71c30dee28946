package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Turn;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Shows progress where people asked: when a turn starts, a reaction on the messages that make it up
 * ({@code eyes} on Slack and GitHub), and when it ends, one for how it went ({@code white_check_mark} or
 * {@code x} on Slack, {@code +1} or {@code -1} on GitHub). Reactions are a courtesy: one that cannot be
 * added is logged and the turn goes on.
 */
@Singleton
public class TurnReactions {

    private static final Logger LOG = Logger.getLogger(TurnReactions.class);
    private static final String GITHUB_JSON = "application/vnd.github+json";

    private final SlackApi slack;
    private final GithubApi github;
    private final GithubAppTokens githubTokens;

    public TurnReactions(@RestClient SlackApi slack, @RestClient GithubApi github, GithubAppTokens githubTokens) {
        this.githubTokens = githubTokens;
        this.slack = slack;
        this.github = github;
    }

    public void started(Agent agent, Session session, int turn) {
        session.turnRecord(turn).ifPresent(record -> react(agent, session, record, "eyes", "eyes"));
    }

    public void ended(Agent agent, Session session, int turn, SessionStatus outcome) {
        boolean ok = outcome == SessionStatus.SUCCEEDED;
        session.turnRecord(turn).ifPresent(record -> react(agent, session, record, ok ? "white_check_mark" : "x", ok ? "+1" : "-1"));
    }

    private void react(Agent agent, Session session, Turn turn, String slackName, String githubContent) {
        for (String ref : turn.refs()) {
            try {
                switch (session.source()) {
                    case SLACK -> agent.slack().flatMap(Agent.SlackApp::botToken).ifPresent(token -> {
                        SlackApi.SlackResponse response = slack.addReaction("Bearer " + token.reveal(),
                                new SlackApi.Reaction(session.origin().slackChannel(), ref, slackName));
                        if (response != null && !response.ok() && !"already_reacted".equals(response.error())) {
                            LOG.infof("Slack refused reaction %s on %s: %s", slackName, ref, response.error());
                        }
                    });
                    case GITHUB -> githubTokens.authorization(agent, session.origin().githubRepository()).ifPresent(authorization -> {
                        String[] repository = session.origin().githubRepository().split("/", 2);
                        github.addReaction(authorization, GITHUB_JSON, repository[0], repository[1], ref,
                                new GithubApi.Reaction(githubContent));
                    });
                    default -> {
                    }
                }
            } catch (RuntimeException e) {
                LOG.infof("Could not add reaction %s to %s of session %s: %s", slackName, ref, session.id(), e.getMessage());
            }
        }
    }
}

package dev.agentservices.worker.agent;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.SessionStatus;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The policy of an agent without a model: every message is a turn of the coding agent, and every turn's
 * final message and artifacts are the reply.
 */
@Singleton
public class PassThroughPolicy implements AgentPolicy {

    private final Optional<String> dashboardUrl;

    public PassThroughPolicy(@ConfigProperty(name = "dashboard.url") Optional<String> dashboardUrl) {
        this.dashboardUrl = dashboardUrl;
    }

    @Override
    public Optional<Decision> decide(Agent agent, AgentEvent event) {
        if (event instanceof AgentEvent.MessageArrived message) {
            return Optional.of(new Decision(null, 0, List.of(new AgentAction.StartRun(message.message(), message.dedupId(), null)),
                    false));
        }
        if (event instanceof AgentEvent.TurnEnded ended) {
            return Optional.of(new Decision(ended.session(), 0, List.of(new AgentAction.Reply(replyText(ended.outcome()), null,
                    null)), ended.retry()));
        }
        if (event instanceof AgentEvent.RunFailed failed) {
            String link = dashboardUrl.map(url -> " Session: " + url.replaceAll("/+$", "") + "/#session=" + failed.session().id())
                    .orElse("");
            return Optional.of(new Decision(failed.session(), 0, List.of(new AgentAction.Reply("The run failed: " + failed.reason() + "." + link,
                    null, null)), failed.retry()));
        }
        return Optional.empty();
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
                text.append(artifact.line()).append('\n');
            }
        }
        return text.toString().strip();
    }
}

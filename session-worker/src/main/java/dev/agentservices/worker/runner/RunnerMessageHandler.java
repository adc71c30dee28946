package dev.agentservices.worker.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunPause;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.reply.AgentPolicy;
import io.nats.client.Message;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Runner outcomes from {@code RUNNER}: records a run's end or pause on the session, then hands an ended
 * run to the {@link AgentPolicy} once. {@code repliedRun} is set only after the policy succeeded, so a
 * failed post is retried with the message, and a redelivery after a successful one posts nothing.
 */
@Singleton
public class RunnerMessageHandler {

    private static final Logger LOG = Logger.getLogger(RunnerMessageHandler.class);

    private final ObjectMapper mapper;
    private final SessionStore store;
    private final AgentRegistry agents;
    private final AgentPolicy policy;

    public RunnerMessageHandler(ObjectMapper mapper, SessionStore store, AgentRegistry agents, AgentPolicy policy) {
        this.mapper = mapper;
        this.store = store;
        this.agents = agents;
        this.policy = policy;
    }

    public void handle(Message message) throws Exception {
        if (message.getSubject().endsWith(".complete")) {
            complete(mapper.readValue(message.getData(), RunOutcome.class));
        } else if (message.getSubject().endsWith(".pause")) {
            pause(mapper.readValue(message.getData(), RunPause.class));
        } else {
            LOG.warnf("Ignored runner message on %s", message.getSubject());
        }
    }

    private void complete(RunOutcome outcome) {
        Instant now = Instant.now();
        SessionStatus status = outcome.status() == SessionStatus.SUCCEEDED ? SessionStatus.SUCCEEDED : SessionStatus.FAILED;
        Session session = store.update(outcome.sessionId(), current -> current.hasApplied(outcome.dedupId())
                || current.run() != outcome.run() || current.status() == SessionStatus.TERMINATED ? current
                : current.withOutcome(status, outcome.finalMessage(), outcome.artifacts(), outcome.usage(), outcome.error(),
                        outcome.dedupId(), now)).session();
        if (session.run() != outcome.run() || session.repliedRun() >= outcome.run()
                || !(session.status() == SessionStatus.SUCCEEDED || session.status() == SessionStatus.FAILED)) {
            return;
        }
        policy.onRunEnded(agents.byName(session.agent()).orElseThrow(
                () -> new IllegalStateException("agent " + session.agent() + " is not configured on this worker")), session);
        store.update(session.id(), current -> current.repliedRun() >= outcome.run() ? current : current.withRepliedRun(outcome.run()));
        LOG.infof("Session %s run %d %s; outcome handed to the agent policy", session.id(), outcome.run(), session.status());
    }

    private void pause(RunPause pause) {
        store.update(pause.sessionId(), current -> current.hasApplied(pause.dedupId()) || current.run() != pause.run()
                || current.status() == SessionStatus.TERMINATED ? current
                : current.withPause(pause.stateKey(), pause.scrollbackKey(), pause.lastAssistantMessage(), pause.dedupId(),
                        Instant.now()));
        LOG.infof("Session %s run %d paused", pause.sessionId(), pause.run());
    }
}

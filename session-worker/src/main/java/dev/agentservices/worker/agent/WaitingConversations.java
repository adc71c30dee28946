package dev.agentservices.worker.agent;

import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Goes on with the model conversations whose next call waited for a budget (the session's or team's
 * tokens, the team's monthly cost) as soon as it allows: an admin raised it, or the month turned. Looks
 * every {@code worker.queue.check-interval}, like the starter of queued runs.
 */
@Singleton
public class WaitingConversations {

    private static final Logger LOG = Logger.getLogger(WaitingConversations.class);
    private static final SessionQuery ALL = new SessionQuery(Set.of(), Set.of(), Set.of(), Set.of(), null, null, null);

    private final SessionView view;
    private final AgentRegistry agents;
    private final SessionAgent sessionAgent;
    private final ModelAgentPolicy policy;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "waiting-conversations");
        thread.setDaemon(true);
        return thread;
    });

    public WaitingConversations(SessionView view, AgentRegistry agents, SessionAgent sessionAgent, ModelAgentPolicy policy,
            @ConfigProperty(name = "worker.queue.check-interval", defaultValue = "5s") Duration interval) {
        this.view = view;
        this.agents = agents;
        this.sessionAgent = sessionAgent;
        this.policy = policy;
        this.interval = interval;
    }

    void start(@Observes StartupEvent event) {
        timer.scheduleWithFixedDelay(this::resumeAllowed, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    void resumeAllowed() {
        try {
            for (Session session : view.matching(ALL)) {
                if (session.conversation() == null || !session.conversation().waitsForBudget() || policy.waitsFor(session).isPresent()) {
                    continue;
                }
                agents.byName(session.agent()).filter(sessionAgent::modelBacked).ifPresent(agent -> {
                    LOG.infof("Session %s: its budget allows model call %d now", session.id(), session.conversation().pendingCall());
                    sessionAgent.resume(agent, session);
                });
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not go on with waiting conversations (%s); trying again in %s", e.getMessage(), interval);
        }
    }
}

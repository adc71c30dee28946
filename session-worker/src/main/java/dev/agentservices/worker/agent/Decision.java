package dev.agentservices.worker.agent;

import dev.agentservices.common.session.Session;
import java.util.List;

/**
 * An agent's answer to an event: its actions in order, for {@code session} (as last read; null when the
 * event's session may not exist yet), and which answer it is: {@code call}, the model call, or 0 for the
 * pass-through policy, whose replies are marked by turn. {@code retry}: these actions may have been started
 * before (a crash, a redelivery), so replies look at what was posted first.
 */
public record Decision(Session session, int call, List<AgentAction> actions, boolean retry) {

    public Decision {
        actions = List.copyOf(actions);
    }
}

package dev.agentservices.common.nats;

import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunPause;
import dev.agentservices.common.runner.RunProgress;
import dev.agentservices.common.runner.RunTyped;
import dev.agentservices.common.session.AgentConversation;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.ModelBlock;
import dev.agentservices.common.session.ModelMessage;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Progress;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionChange;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.session.Turn;
import dev.agentservices.common.session.Usage;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.team.TeamSettings;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records and enums of the NATS contract (messages on the streams, values in the buckets), which Jackson
 * reads and writes outside REST endpoints, where Quarkus does not register them by itself: without this a
 * native executable would fail on the first message. {@code ContractReflectionTest} fails when a record or
 * enum of the contract's packages is missing here.
 */
@RegisterForReflection(targets = {
        ConversationEvent.class, ConversationEvent.SlackFile.class, SessionKey.class, SessionSource.class,
        WebhookEnvelope.class, WebhookSource.class,
        RunEnd.class, RunOutcome.class, RunPause.class, RunProgress.class, RunTyped.class,
        AgentConversation.class, AgentConversation.Event.class, ModelBlock.class, ModelMessage.class,
        Artifact.class, ControlCommand.class, ControlCommand.NewSession.class, Origin.class, RunView.class, Session.class, SessionChange.class,
        SessionMessage.class, SessionMessage.Attachment.class, SessionQuery.class, SessionStatus.class,
        SessionRepository.Versioned.class, SessionRepository.Opened.class, SessionView.Page.class,
        Turn.class, Usage.class, Workspace.class, Progress.class,
        TeamSettings.class, TeamSettings.Run.class, SpendLedger.Charge.class, SpendLedger.Totals.class })
public final class ContractReflection {

    private ContractReflection() {
    }
}

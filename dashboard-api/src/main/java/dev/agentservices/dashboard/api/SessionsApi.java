package dev.agentservices.dashboard.api;

import dev.agentservices.common.agent.AgentRegistryConfig;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.dashboard.history.SessionRecords;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.control.CommandPublisher;
import dev.agentservices.proto.api.v1.CreateSessionRequest;
import dev.agentservices.proto.api.v1.CreateSessionResponse;
import dev.agentservices.proto.api.v1.DeleteSessionRequest;
import dev.agentservices.proto.api.v1.DeleteSessionResponse;
import dev.agentservices.proto.api.v1.GetSessionRequest;
import dev.agentservices.proto.api.v1.GetSessionResponse;
import dev.agentservices.proto.api.v1.ListSessionsRequest;
import dev.agentservices.proto.api.v1.ListSessionsResponse;
import dev.agentservices.proto.api.v1.PauseSessionRequest;
import dev.agentservices.proto.api.v1.PauseSessionResponse;
import dev.agentservices.proto.api.v1.ResumeSessionRequest;
import dev.agentservices.proto.api.v1.ResumeSessionResponse;
import dev.agentservices.proto.api.v1.SendMessageRequest;
import dev.agentservices.proto.api.v1.SendMessageResponse;
import dev.agentservices.proto.api.v1.TerminateSessionRequest;
import dev.agentservices.proto.api.v1.TerminateSessionResponse;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Sessions: lists and single sessions from {@link SessionRecords} (the history, and the live view); creation, deletion and management as
 * commands to the worker over CONTROL, answered once stored.
 */
@Singleton
public class SessionsApi {

    private final SessionRecords sessions;
    private final CommandPublisher commands;
    private final Set<String> agents;

    public SessionsApi(SessionRecords sessions, CommandPublisher commands, AgentRegistryConfig agents) {
        this.sessions = sessions;
        this.commands = commands;
        this.agents = agents.names().stream().map(String::trim).filter(name -> !name.isEmpty()).collect(Collectors.toSet());
    }

    public Uni<ListSessionsResponse> list(ListSessionsRequest request, DashboardUser user) {
        int pageSize = Calls.pageSize(request.getPageSize());
        SessionQuery query = new SessionQuery(Set.copyOf(request.getAgentsList()),
                request.getSourcesList().stream().filter(s -> s.getNumber() > 0)
                        .map(s -> SessionSource.valueOf(s.name().substring("SESSION_SOURCE_".length())))
                        .collect(Collectors.toSet()),
                request.getStatusesList().stream().filter(s -> s.getNumber() > 0)
                        .map(s -> SessionStatus.valueOf(s.name().substring("SESSION_STATUS_".length())))
                        .collect(Collectors.toSet()),
                AccessRules.visibleTeams(Set.copyOf(request.getTeamsList()), user), request.getText(),
                request.hasCreatedAfter() ? ProtoSessions.instant(request.getCreatedAfter()) : null,
                request.hasCreatedBefore() ? ProtoSessions.instant(request.getCreatedBefore()) : null);
        return Calls.onWorker(() -> {
            SessionView.Page page;
            try {
                page = sessions.list(query, pageSize, request.getPageToken());
            } catch (SessionView.InvalidPageTokenException e) {
                throw ApiException.invalidArgument(e.getMessage());
            }
            ListSessionsResponse.Builder response = ListSessionsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken()).setTotalSize(page.totalSize());
            page.sessions().forEach(session -> response.addSessions(ProtoSessions.toProto(session, false)));
            return response.build();
        });
    }

    public Uni<GetSessionResponse> get(GetSessionRequest request, DashboardUser user) {
        return AccessRules.visibleSession(sessions, request.getId(), user)
                .map(session -> GetSessionResponse.newBuilder().setSession(ProtoSessions.toProto(session, true)).build());
    }

    /**
     * Starts a session from the dashboard: the id is chosen here, the worker creates the record and the run
     * once the command is stored, and the answer is the session as it will be stored, status PENDING.
     */
    public Uni<CreateSessionResponse> create(CreateSessionRequest request, DashboardUser user) {
        if (!agents.contains(request.getAgent())) {
            throw ApiException.invalidArgument("Unknown agent '" + request.getAgent() + "'; agents here: "
                    + agents.stream().sorted().collect(Collectors.joining(", ")));
        }
        if (request.getPrompt().isBlank()) {
            throw ApiException.invalidArgument("prompt must not be empty");
        }
        String team = request.getTeam().isEmpty() && !user.admin() && user.teams().size() == 1
                ? user.teams().iterator().next() : request.getTeam();
        if (team.isEmpty()) {
            throw ApiException.invalidArgument("team is required: the team the session belongs to");
        }
        AccessRules.requireTeam(user, team);
        String id = UUID.randomUUID().toString();
        SessionKey key = new SessionKey(request.getAgent(), SessionSource.DASHBOARD, id);
        String title = request.getTitle().isBlank() ? firstLine(request.getPrompt()) : request.getTitle();
        ControlCommand.NewSession spec = new ControlCommand.NewSession(request.getAgent(), team, title,
                Calls.emptyToNull(request.getInstructions()));
        return commands.create(key, spec, request.getPrompt(), user.name()).onFailure(CommandPublisher.CommandNotStoredException.class)
                .transform(e -> ApiException.unavailable("The session could not be stored; retry later"))
                .map(command -> {
                    SessionMessage first = new SessionMessage(user.name(), request.getPrompt(), List.of(), command.requestedAt());
                    Session pending = Session.open(id, key, team, title, null, command.requestedAt())
                            .withInstructions(spec.instructions()).withMessage(first, command.dedupId())
                            .withNextTurn(first, command.requestedAt());
                    return CreateSessionResponse.newBuilder().setSession(ProtoSessions.toProto(pending, true)).build();
                });
    }

    /** Deletes a finished session (record, index entry, pod and Secret); a running or paused one is terminated first. */
    public Uni<DeleteSessionResponse> delete(DeleteSessionRequest request, DashboardUser user) {
        return AccessRules.visibleSession(sessions, request.getId(), user).chain(session -> {
            if (!session.status().finished()) {
                throw ApiException.failedPrecondition("Session " + session.id() + " is " + session.status()
                        + "; terminate it first");
            }
            return stored(commands.send(session, ControlCommand.DELETE, null, user.name()));
        }).replaceWith(DeleteSessionResponse.getDefaultInstance());
    }

    public Uni<PauseSessionResponse> pause(PauseSessionRequest request, DashboardUser user) {
        return command(request.getId(), ControlCommand.PAUSE, null, user).replaceWith(PauseSessionResponse.getDefaultInstance());
    }

    public Uni<ResumeSessionResponse> resume(ResumeSessionRequest request, DashboardUser user) {
        return AccessRules.visibleSession(sessions, request.getId(), user).chain(session -> {
            if (session.status() != SessionStatus.PAUSED) {
                throw ApiException.failedPrecondition("Only a paused session can be resumed; this one is " + session.status());
            }
            return command(request.getId(), ControlCommand.RESUME, null, user);
        }).replaceWith(ResumeSessionResponse.getDefaultInstance());
    }

    public Uni<TerminateSessionResponse> terminate(TerminateSessionRequest request, DashboardUser user) {
        return command(request.getId(), ControlCommand.TERMINATE, null, user)
                .replaceWith(TerminateSessionResponse.getDefaultInstance());
    }

    public Uni<SendMessageResponse> sendMessage(SendMessageRequest request, DashboardUser user) {
        if (request.getText().isBlank()) {
            throw ApiException.invalidArgument("text must not be empty");
        }
        return command(request.getId(), ControlCommand.MESSAGE, request.getText(), user)
                .replaceWith(SendMessageResponse.getDefaultInstance());
    }

    private Uni<ControlCommand> command(String id, String command, String text, DashboardUser user) {
        return AccessRules.visibleSession(sessions, id, user).chain(session -> {
            if (session.status() == SessionStatus.TERMINATED) {
                throw ApiException.failedPrecondition("The session was terminated");
            }
            return stored(commands.send(session, command, text, user.name()));
        });
    }

    private static Uni<ControlCommand> stored(Uni<ControlCommand> sent) {
        return sent.onFailure(CommandPublisher.CommandNotStoredException.class)
                .transform(e -> ApiException.unavailable("The command could not be stored; retry later"));
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= 80 ? line : line.substring(0, 79) + "…";
    }
}

package dev.agentservices.dashboard.connect;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.agentservices.common.agent.AgentRegistryConfig;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.control.CommandPublisher;
import dev.agentservices.dashboard.deadletter.DeadLetterStore;
import dev.agentservices.dashboard.metrics.SessionMetrics;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.proto.api.v1.CreateSessionRequest;
import dev.agentservices.proto.api.v1.CreateSessionResponse;
import dev.agentservices.proto.api.v1.DeleteSessionRequest;
import dev.agentservices.proto.api.v1.DeleteSessionResponse;
import dev.agentservices.proto.api.v1.DeadLetter;
import dev.agentservices.proto.api.v1.GetMetricsRequest;
import dev.agentservices.proto.api.v1.ListDeadLettersRequest;
import dev.agentservices.proto.api.v1.ListDeadLettersResponse;
import dev.agentservices.proto.api.v1.ReplayDeadLetterRequest;
import dev.agentservices.proto.api.v1.ReplayDeadLetterResponse;
import dev.agentservices.proto.api.v1.GetMetricsResponse;
import dev.agentservices.proto.api.v1.GetSessionRequest;
import dev.agentservices.proto.api.v1.GetSessionResponse;
import dev.agentservices.proto.api.v1.GetTeamSettingsRequest;
import dev.agentservices.proto.api.v1.GetTeamSettingsResponse;
import dev.agentservices.proto.api.v1.ListTeamsResponse;
import dev.agentservices.proto.api.v1.Team;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsRequest;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsResponse;
import dev.agentservices.proto.api.v1.ListSessionsRequest;
import dev.agentservices.proto.api.v1.ListSessionsResponse;
import dev.agentservices.proto.api.v1.MetricsBucket;
import dev.agentservices.proto.api.v1.PauseSessionResponse;
import dev.agentservices.proto.api.v1.ResumeSessionResponse;
import dev.agentservices.proto.api.v1.SendMessageRequest;
import dev.agentservices.proto.api.v1.SendMessageResponse;
import dev.agentservices.proto.api.v1.TerminateSessionResponse;
import dev.agentservices.proto.api.v1.Usage;
import io.nats.client.JetStreamApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The dashboard's operations on proto messages, called by the Connect route (and, later, the gRPC
 * service), so both protocols share one implementation. Reads come from the in-memory view; commands go
 * to the worker over CONTROL and complete once stored.
 */
@Singleton
public class DashboardApi {

    private static final Logger LOG = Logger.getLogger(DashboardApi.class);

    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 200;

    private final SessionView view;
    private final CommandPublisher commands;
    private static final java.util.Set<String> RUNNER_MODES = java.util.Set.of("", "one-shot", "interactive");

    private final TeamStore teams;
    private final Set<String> agents;
    private final DeadLetterStore deadLetters;

    public DashboardApi(SessionView view, CommandPublisher commands, TeamStore teams, AgentRegistryConfig agents,
            DeadLetterStore deadLetters) {
        this.view = view;
        this.commands = commands;
        this.teams = teams;
        this.deadLetters = deadLetters;
        this.agents = agents.names().stream().map(String::trim).filter(name -> !name.isEmpty()).collect(Collectors.toSet());
    }

    public Uni<Message> listSessions(ListSessionsRequest request, DashboardUser user) {
        int pageSize = request.getPageSize() <= 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        if (pageSize > MAX_PAGE_SIZE) {
            throw new ConnectException("invalid_argument", "page_size is at most " + MAX_PAGE_SIZE);
        }
        SessionQuery query = new SessionQuery(Set.copyOf(request.getAgentsList()),
                request.getSourcesList().stream().filter(s -> s.getNumber() > 0)
                        .map(s -> SessionSource.valueOf(s.name().substring("SESSION_SOURCE_".length())))
                        .collect(Collectors.toSet()),
                request.getStatusesList().stream().filter(s -> s.getNumber() > 0)
                        .map(s -> SessionStatus.valueOf(s.name().substring("SESSION_STATUS_".length())))
                        .collect(Collectors.toSet()),
                visibleTeams(Set.copyOf(request.getTeamsList()), user), request.getText(),
                request.hasCreatedAfter() ? ProtoSessions.instant(request.getCreatedAfter()) : null,
                request.hasCreatedBefore() ? ProtoSessions.instant(request.getCreatedBefore()) : null);
        return onWorker(() -> {
            SessionView.Page page;
            try {
                page = view.list(query, pageSize, request.getPageToken());
            } catch (SessionView.InvalidPageTokenException e) {
                throw new ConnectException("invalid_argument", e.getMessage());
            }
            ListSessionsResponse.Builder response = ListSessionsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken()).setTotalSize(page.totalSize());
            page.sessions().forEach(session -> response.addSessions(ProtoSessions.toProto(session, false)));
            return response.build();
        });
    }

    public Uni<Message> getSession(GetSessionRequest request, DashboardUser user) {
        return Uni.createFrom().item(GetSessionResponse.newBuilder()
                .setSession(ProtoSessions.toProto(session(request.getId(), user), true)).build());
    }

    /**
     * Starts a session from the dashboard: the id is chosen here, the worker creates the record and the run
     * once the command is stored, and the answer is the session as it will be stored, status PENDING.
     */
    public Uni<Message> createSession(CreateSessionRequest request, DashboardUser user) {
        if (!agents.contains(request.getAgent())) {
            throw new ConnectException("invalid_argument", "Unknown agent '" + request.getAgent() + "'; agents here: "
                    + agents.stream().sorted().collect(Collectors.joining(", ")));
        }
        if (request.getPrompt().isBlank()) {
            throw new ConnectException("invalid_argument", "prompt must not be empty");
        }
        String team = request.getTeam().isEmpty() && !user.admin() && user.teams().size() == 1
                ? user.teams().iterator().next() : request.getTeam();
        if (team.isEmpty()) {
            throw new ConnectException("invalid_argument", "team is required: the team the session belongs to");
        }
        if (!user.admin() && !user.teams().contains(team)) {
            throw new ConnectException("permission_denied", "You are not in team " + team);
        }
        String id = UUID.randomUUID().toString();
        SessionKey key = new SessionKey(request.getAgent(), SessionSource.DASHBOARD, id);
        String title = request.getTitle().isBlank() ? firstLine(request.getPrompt()) : request.getTitle();
        ControlCommand.NewSession spec = new ControlCommand.NewSession(request.getAgent(), team, title,
                emptyToNull(request.getInstructions()));
        return commands.create(key, spec, request.getPrompt(), user.name()).onFailure(CommandPublisher.CommandNotStoredException.class)
                .transform(e -> new ConnectException("unavailable", "The session could not be stored; retry later"))
                .map(command -> {
                    SessionMessage first = new SessionMessage(user.name(), request.getPrompt(), List.of(), command.requestedAt());
                    Session pending = Session.open(id, key, team, title, null, command.requestedAt())
                            .withInstructions(spec.instructions()).withMessage(first, command.dedupId())
                            .withNextTurn(first, command.requestedAt());
                    return CreateSessionResponse.newBuilder().setSession(ProtoSessions.toProto(pending, true)).build();
                });
    }

    /** Deletes a finished session (record, index entry, pod and Secret); a running or paused one is terminated first. */
    public Uni<Message> deleteSession(DeleteSessionRequest request, DashboardUser user) {
        Session session = session(request.getId(), user);
        if (!session.status().finished()) {
            throw new ConnectException("failed_precondition", "Session " + session.id() + " is " + session.status()
                    + "; terminate it first");
        }
        return commands.send(session, ControlCommand.DELETE, null, user.name())
                .onFailure(CommandPublisher.CommandNotStoredException.class)
                .transform(e -> new ConnectException("unavailable", "The command could not be stored; retry later"))
                .replaceWith(DeleteSessionResponse.getDefaultInstance());
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= 80 ? line : line.substring(0, 79) + "…";
    }

    public Uni<Message> pause(String id, DashboardUser user) {
        return command(id, ControlCommand.PAUSE, null, user).replaceWith(PauseSessionResponse.getDefaultInstance());
    }

    public Uni<Message> resume(String id, DashboardUser user) {
        Session session = session(id, user);
        if (session.status() != SessionStatus.PAUSED) {
            throw new ConnectException("failed_precondition", "Only a paused session can be resumed; this one is "
                    + session.status());
        }
        return command(id, ControlCommand.RESUME, null, user).replaceWith(ResumeSessionResponse.getDefaultInstance());
    }

    public Uni<Message> terminate(String id, DashboardUser user) {
        return command(id, ControlCommand.TERMINATE, null, user).replaceWith(TerminateSessionResponse.getDefaultInstance());
    }

    public Uni<Message> sendMessage(SendMessageRequest request, DashboardUser user) {
        if (request.getText().isBlank()) {
            throw new ConnectException("invalid_argument", "text must not be empty");
        }
        return command(request.getId(), ControlCommand.MESSAGE, request.getText(), user)
                .replaceWith(SendMessageResponse.getDefaultInstance());
    }

    public Uni<Message> getMetrics(GetMetricsRequest request, DashboardUser user) {
        Instant to = request.hasTo() ? ProtoSessions.instant(request.getTo()) : Instant.now();
        Instant from = request.hasFrom() ? ProtoSessions.instant(request.getFrom()) : to.minus(Duration.ofDays(7));
        Duration bucket = Duration.ofSeconds(request.getBucketSeconds() > 0 ? request.getBucketSeconds() : 3600);
        SessionQuery visible = new SessionQuery(Set.of(), Set.of(), Set.of(),
                visibleTeams(Set.copyOf(request.getTeamsList()), user), null, null, null);
        return onWorker(() -> {
            SessionMetrics.Report report;
            try {
                report = SessionMetrics.compute(view.matching(visible), from, to, bucket, Set.of());
            } catch (IllegalArgumentException e) {
                throw new ConnectException("invalid_argument", e.getMessage());
            }
            GetMetricsResponse.Builder response = GetMetricsResponse.newBuilder()
                    .setTotal(report.total()).putAllByStatus(report.byStatus()).putAllByAgent(report.byAgent())
                    .putAllBySource(report.bySource()).putAllByTeam(report.byTeam()).setSuccessRate(report.successRate())
                    .setDurationP50Seconds(report.durationP50Seconds()).setDurationP95Seconds(report.durationP95Seconds())
                    .setUsage(Usage.newBuilder().setInputTokens(report.usage().inputTokens())
                            .setOutputTokens(report.usage().outputTokens()).setCostUsd(report.usage().costUsd()));
            report.buckets().forEach(b -> response.addBuckets(MetricsBucket.newBuilder().setStart(ProtoSessions.timestamp(b.start()))
                    .setCreated(b.created()).setSucceeded(b.succeeded()).setFailed(b.failed())));
            return response.build();
        });
    }

    public Uni<Message> listTeams(DashboardUser user) {
        return onWorker(() -> {
            ListTeamsResponse.Builder response = ListTeamsResponse.newBuilder();
            teams.all().stream().filter(team -> user.admin() || user.teams().contains(team.teamId()))
                    .forEach(team -> response.addTeams(Team.newBuilder().setId(team.teamId()).setName(team.teamId())));
            return response.build();
        });
    }

    public Uni<Message> getTeamSettings(GetTeamSettingsRequest request, DashboardUser user) {
        String teamId = request.getTeamId();
        if (!user.admin() && !user.teams().contains(teamId)) {
            throw new ConnectException("permission_denied", "You are not in team " + teamId);
        }
        return onWorker(() -> GetTeamSettingsResponse.newBuilder().setSettings(toProto(teams.get(teamId)
                .orElseThrow(() -> new ConnectException("not_found", "There is no team " + teamId)))).build());
    }

    public Uni<Message> updateTeamSettings(UpdateTeamSettingsRequest request, DashboardUser user) {
        requireAdmin(user, "change team settings");
        var settings = request.getSettings();
        if (!TeamStore.validId(settings.getTeamId())) {
            throw new ConnectException("invalid_argument", "team_id is letters, digits, '-', '_' and '.'");
        }
        if (settings.getConcurrencyLimit() < 0) {
            throw new ConnectException("invalid_argument", "concurrency_limit is 0 (no limit) or more");
        }
        if (!RUNNER_MODES.contains(settings.getRunnerMode())) {
            throw new ConnectException("invalid_argument", "runner_mode is one-shot, interactive, or empty for the agent's default");
        }
        TeamSettings stored = new TeamSettings(TeamSettings.VERSION, settings.getTeamId(), settings.getSlackChannelsList(),
                settings.getJiraProjectsList(), settings.getGithubRepositoriesList(), settings.getConcurrencyLimit(),
                emptyToNull(settings.getDefaultRunnerImage()), emptyToNull(settings.getDefaultInstructions()),
                emptyToNull(settings.getRunnerMode()));
        return onWorker(() -> {
            teams.put(stored);
            return UpdateTeamSettingsResponse.newBuilder().setSettings(toProto(stored)).build();
        });
    }

    /** Dead letters hold any team's messages, so only admins list and replay them. */
    public Uni<Message> listDeadLetters(ListDeadLettersRequest request, DashboardUser user) {
        requireAdmin(user, "list dead letters");
        int pageSize = request.getPageSize() <= 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        if (pageSize > MAX_PAGE_SIZE) {
            throw new ConnectException("invalid_argument", "page_size is at most " + MAX_PAGE_SIZE);
        }
        long from = parseSequenceToken(request.getPageToken());
        return onWorker(() -> {
            DeadLetterStore.Page page = natsCall(() -> deadLetters.list(pageSize, from));
            ListDeadLettersResponse.Builder response = ListDeadLettersResponse.newBuilder()
                    .setNextPageToken(page.next() == 0 ? "" : Long.toString(page.next()));
            page.deadLetters().forEach(letter -> response.addDeadLetters(toProto(letter)));
            return response.build();
        });
    }

    public Uni<Message> replayDeadLetter(ReplayDeadLetterRequest request, DashboardUser user) {
        requireAdmin(user, "replay dead letters");
        if (request.getSequence() <= 0) {
            throw new ConnectException("invalid_argument", "sequence is required: the dead letter's sequence from ListDeadLetters");
        }
        return onWorker(() -> {
            DeadLetterStore.DeadLetter letter = natsCall(() -> deadLetters.get(request.getSequence())).orElseThrow(
                    () -> new ConnectException("not_found", "There is no dead letter " + request.getSequence()));
            natsCall(() -> deadLetters.replay(letter, user.name()));
            LOG.infof("Dead letter %d (%s) replayed by %s", letter.sequence(), letter.originalSubject(), user.name());
            return ReplayDeadLetterResponse.getDefaultInstance();
        });
    }

    private static DeadLetter toProto(DeadLetterStore.DeadLetter letter) {
        DeadLetter.Builder builder = DeadLetter.newBuilder().setSequence(letter.sequence())
                .setOriginalSubject(letter.originalSubject()).setDeliveries(letter.deliveries())
                .setDeadAt(ProtoSessions.timestamp(letter.deadAt())).setPayload(ByteString.copyFrom(letter.payload()));
        if (letter.error() != null) {
            builder.setError(letter.error());
        }
        letter.replay().ifPresent(replay -> builder.setReplayedBy(replay.by()));
        return builder.build();
    }

    private static long parseSequenceToken(String token) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new ConnectException("invalid_argument", "the page token is not one this API returned");
        }
    }

    private static void requireAdmin(DashboardUser user, String what) {
        if (!user.admin()) {
            throw new ConnectException("permission_denied", "Only members of the admin group " + what);
        }
    }

    /** A NATS call whose failure means the dashboard cannot answer now: {@code unavailable}, so the caller retries. */
    private static <T> T natsCall(NatsCall<T> call) {
        try {
            return call.run();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (e instanceof ConnectException connect) {
                throw connect;
            }
            throw new ConnectException("unavailable", "NATS did not answer (" + e.getMessage() + "); retry later");
        }
    }

    @FunctionalInterface
    private interface NatsCall<T> {
        T run() throws IOException, JetStreamApiException;
    }

    private static dev.agentservices.proto.api.v1.TeamSettings toProto(TeamSettings team) {
        var builder = dev.agentservices.proto.api.v1.TeamSettings.newBuilder().setTeamId(team.teamId())
                .addAllSlackChannels(team.slackChannels()).addAllJiraProjects(team.jiraProjects())
                .addAllGithubRepositories(team.githubRepositories()).setConcurrencyLimit(team.concurrencyLimit());
        if (team.defaultRunnerImage() != null) {
            builder.setDefaultRunnerImage(team.defaultRunnerImage());
        }
        if (team.defaultInstructions() != null) {
            builder.setDefaultInstructions(team.defaultInstructions());
        }
        if (team.runnerMode() != null) {
            builder.setRunnerMode(team.runnerMode());
        }
        return builder.build();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Runs work that takes a while off the event loop: KV calls (team settings, dead letters), and passes
     * over every session of the view (lists, metrics), which would hold up the streams served on that loop.
     */
    private static Uni<Message> onWorker(java.util.function.Supplier<Message> call) {
        return Uni.createFrom().item(call).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<ControlCommand> command(String id, String command, String text, DashboardUser user) {
        Session session = session(id, user);
        if (session.status() == SessionStatus.TERMINATED) {
            throw new ConnectException("failed_precondition", "The session was terminated");
        }
        return commands.send(session, command, text, user.name()).onFailure(CommandPublisher.CommandNotStoredException.class)
                .transform(e -> new ConnectException("unavailable", "The command could not be stored; retry later"));
    }

    private Session session(String id, DashboardUser user) {
        if (id == null || id.isBlank()) {
            throw new ConnectException("invalid_argument", "id is required");
        }
        Session session = view.get(id).map(SessionView.Versioned::session)
                .orElseThrow(() -> new ConnectException("not_found", "There is no session " + id));
        if (!user.maySee(session)) {
            throw new ConnectException("permission_denied", "Session " + id + " belongs to a team you are not in");
        }
        return session;
    }

    /** The teams a list may show: those asked for (all when none) that the user belongs to. */
    private static Set<String> visibleTeams(Set<String> requested, DashboardUser user) {
        if (user.admin()) {
            return requested;
        }
        Set<String> teams = requested.isEmpty() ? user.teams()
                : requested.stream().filter(user.teams()::contains).collect(Collectors.toSet());
        if (teams.isEmpty()) {
            throw new ConnectException("permission_denied", "You are in none of the teams asked for");
        }
        return teams;
    }
}

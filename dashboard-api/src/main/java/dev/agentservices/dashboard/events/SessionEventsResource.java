package dev.agentservices.dashboard.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.http.ErrorBody;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.Usage;
import dev.agentservices.dashboard.auth.CurrentUser;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.history.SessionRecords;
import dev.agentservices.common.session.SessionView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /api/sessions/{id}/events}: the session's state now, then one event per change, fed by the
 * view's watch on the {@code sessions} bucket. A session that left the live bucket (with a history) is shown once as the
 * history holds it (an event without an id), then streams again if a message brings it back. Event ids are KV revisions, so a client that reconnects
 * with {@code Last-Event-ID} gets only what it missed; comment heartbeats keep proxies from closing an
 * idle stream.
 */
@Path("/api/sessions/{id}/events")
public class SessionEventsResource {

    private final SessionView view;
    private final SessionRecords records;
    private final ObjectMapper mapper;
    private final CurrentUser user;
    private final Duration heartbeat;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    public SessionEventsResource(SessionView view, SessionRecords records, ObjectMapper mapper, CurrentUser user,
            @ConfigProperty(name = "dashboard.sse-heartbeat", defaultValue = "15s") Duration heartbeat) {
        this.view = view;
        this.records = records;
        this.mapper = mapper;
        this.user = user;
        this.heartbeat = heartbeat;
    }

    /** What one event carries: the session's status and the parts the dashboard shows live. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SessionEvent(String id, String status, String podName, int run, int turn, int queuedCount, boolean runLive,
            String waitingFor, String lastAssistantMessage, String error, EventUsage usage, Instant startedAt,
            Instant finishedAt, EventProgress progress) {

        static SessionEvent of(Session s) {
            Usage usage = s.usage() == null ? Usage.NONE : s.usage();
            return new SessionEvent(s.id(), s.status().name(), s.podName(), s.run(), s.turn(), s.queued().size(), s.runLive(),
                    s.waitingFor(), s.lastAssistantMessage(), s.error(), new EventUsage(usage.inputTokens(), usage.outputTokens(),
                            usage.cacheCreationTokens(), usage.cacheReadTokens(), usage.costUsd(), usage.durationMs(),
                            s.podMillis(Instant.now()) / 1000.0), s.startedAt(), s.finishedAt(),
                    s.turnInProgress() ? s.progressOf(s.turn()).map(p -> new EventProgress(p.turn(), p.steps(), p.step(), p.at()))
                            .orElse(null) : null);
        }
    }

    /** How far the turn going got, as its run reported it: its steps so far and the latest one; null between turns. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EventProgress(int turn, int steps, String step, Instant at) {
    }

    /** The session's usage as the runners reported it, summed, and its pod time so far. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EventUsage(long inputTokens, long outputTokens, long cacheCreationTokens, long cacheReadTokens, double costUsd,
            long durationMs, double podSeconds) {
    }

    /**
     * Runs on a worker thread: a session that is not live is looked up in the history before the stream starts, so that
     * an unknown or foreign one gets its 404 or 403 (a stream once started can only be cut).
     */
    @GET
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        DashboardUser me = user.get();
        // a change is handed to each client on its connection's event loop: the view's watch thread only queues
        // it, and the fan-out to many clients runs on all the event loops instead of one thread, in order per client
        io.vertx.core.Context connection = Vertx.currentContext();
        Optional<SessionView.Versioned> live = view.get(id);
        if (live.isEmpty() && records.fromHistory()) {
            // not live: shown as the history holds it, then live again as soon as a message brings it back
            Session archived = archived(id).orElseThrow(() -> refuse(404, "not_found", "There is no session " + id));
            if (!me.maySee(archived)) {
                throw refuse(403, "permission_denied", "Session " + id + " belongs to a team you are not in");
            }
            OutboundSseEvent shown = sse.newEventBuilder().name("session").data(json(SessionEvent.of(archived))).build();
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(shown), changes(id, lastEventId, sse, connection));
        }
        SessionView.Versioned current = live.orElseThrow(() -> refuse(404, "not_found", "There is no session " + id));
        if (!me.maySee(current.session())) {
            throw refuse(403, "permission_denied", "Session " + id + " belongs to a team you are not in");
        }
        return changes(id, lastEventId, sse, connection);
    }

    /** The session as the history holds it; 503 when the history does not answer. */
    private Optional<Session> archived(String id) {
        try {
            return records.find(id).await().atMost(HistoryDatabase.TIMEOUT);
        } catch (HistoryDatabase.HistoryUnavailableException | io.smallrye.mutiny.TimeoutException e) {
            throw refuse(503, "unavailable", "The history database did not answer; retry later");
        }
    }

    /** The session's live state now and every change of it, with heartbeats, from the view's watch. */
    private Multi<OutboundSseEvent> changes(String id, String lastEventId, Sse sse, io.vertx.core.Context connection) {
        AtomicLong sent = new AtomicLong(parse(lastEventId));
        Multi<SessionView.Versioned> changes = Multi.createFrom().emitter(emitter -> {
            Runnable remove = view.addListener(id, connection == null ? emitter::emit
                    : change -> connection.runOnContext(ignored -> emitter.emit(change)));
            emitter.onTermination(remove);
            // the state now, after subscribing, so that no change falls between the two
            view.get(id).ifPresent(emitter::emit);
        });
        Multi<OutboundSseEvent> events = changes
                .filter(v -> v.revision() > sent.get())
                .map(v -> {
                    sent.accumulateAndGet(v.revision(), Math::max);
                    return sse.newEventBuilder().id(Long.toString(v.revision())).name("session")
                            .data(rendered(v)).build();
                });
        Multi<OutboundSseEvent> heartbeats = Multi.createFrom().ticks().every(heartbeat)
                .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
        return Multi.createBy().merging().streams(events, heartbeats);
    }

    /** One change's event data, written once however many clients stream that session. */
    private String rendered(SessionView.Versioned versioned) {
        if (rendered.size() > 10_000) {
            rendered.clear();
        }
        Rendered last = rendered.compute(versioned.session().id(), (id, cached) -> cached != null
                && cached.revision() == versioned.revision() ? cached
                        : new Rendered(versioned.revision(), json(SessionEvent.of(versioned.session()))));
        return last.json();
    }

    private record Rendered(long revision, String json) {
    }

    private String json(SessionEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parse(String lastEventId) {
        try {
            return lastEventId == null ? 0 : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static WebApplicationException refuse(int status, String error, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(error, message)).build());
    }
}

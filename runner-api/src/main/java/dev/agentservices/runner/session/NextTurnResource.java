package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.runner.auth.PodTokenVerifier;
import dev.agentservices.runner.http.RunnerApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/runner/sessions/{id}/next?after=N&wait=S}: a run waiting for its next turn long-polls
 * here. 200 with the turn as soon as the worker gave this run a turn after {@code N}; 204 when none came
 * within {@code wait} seconds (at most 60), so the runner asks again until its idle window is over; 410
 * when the run has nothing more to do (the session moved on to another run, or was terminated or
 * deleted). Waits on a KV watch of the one session, holding no thread. Each watch is a JetStream consumer, so a run may
 * have {@value #WAITS_PER_RUN} waits open at once (429 past that) and the service {@code runner.max-waits} (503 past
 * that, with Retry-After): a token cannot make consumers without end.
 */
@Path("/api/runner/sessions/{id}/next")
@Produces(MediaType.APPLICATION_JSON)
public class NextTurnResource {

    private static final Logger LOG = Logger.getLogger(NextTurnResource.class);
    static final int MAX_WAIT_SECONDS = 60;
    /** The waits one run may have open at once: its own, and one left over from a connection it lost. */
    static final int WAITS_PER_RUN = 2;

    /** The turn a run takes next. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NextTurn(int turn, String prompt, List<SessionMessage> messages) {
    }

    private final PodTokenVerifier tokens;
    private final RunViews store;
    private final int maxWaits;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> openPerRun = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    public NextTurnResource(PodTokenVerifier tokens, RunViews store,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "runner.max-waits", defaultValue = "2000") int maxWaits) {
        this.tokens = tokens;
        this.store = store;
        this.maxWaits = maxWaits;
    }

    @GET
    public Uni<Response> next(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("after") Integer after, @QueryParam("wait") @DefaultValue("30") int waitSeconds) {
        PodTokenVerifier.PodToken token = tokens.verify(authorization, id);
        if (after == null || after < 0) {
            throw new RunnerApiException(400, "invalid_after", "after must be the number of the last turn the run took");
        }
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new RunnerApiException(400, "invalid_wait", "wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        String run = id + ":" + token.run();
        if (openPerRun.merge(run, 1, Integer::sum) > WAITS_PER_RUN) {
            release(run);
            throw new RunnerApiException(429, "too_many_waits", "This run already waits for its next turn " + WAITS_PER_RUN
                    + " times; wait for those answers before asking again");
        }
        if (open.incrementAndGet() > maxWaits) {
            open.decrementAndGet();
            release(run);
            throw new RunnerApiException(503, "too_many_waits", "The runner API has " + maxWaits + " runs waiting; ask again shortly");
        }
        AtomicReference<AutoCloseable> watch = new AtomicReference<>();
        AtomicBoolean answered = new AtomicBoolean();
        Uni<Response> answer = Uni.createFrom().<Response>emitter(emitter -> {
            // setting up the watch asks JetStream for a consumer: a blocking call, so it runs on a worker thread
            watch.set(store.watch(id, current -> {
                Response response = decide(current, token.run(), after);
                if (response != null) {
                    emitter.complete(response);
                }
            }));
            if (answered.get()) {
                close(watch.getAndSet(null)); // answered (or timed out) while the watch was being set up
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return answer.ifNoItem().after(Duration.ofSeconds(waitSeconds).plusMillis(waitSeconds == 0 ? 200 : 0))
                .recoverWithItem(() -> Response.noContent().build())
                .onTermination().invoke(() -> {
                    if (!answered.getAndSet(true)) {
                        open.decrementAndGet();
                        release(run);
                    }
                    close(watch.getAndSet(null));
                });
    }

    /** One wait of {@code run} is over. */
    private void release(String run) {
        openPerRun.computeIfPresent(run, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** The answer for the session as it now is, or null to keep waiting. */
    static Response decide(Optional<RunView> current, int run, int after) {
        if (current.isEmpty()) {
            return gone("unknown_session", "The session was deleted; stop the run");
        }
        RunView session = current.get();
        if (session.status() == SessionStatus.TERMINATED) {
            return gone("session_terminated", "The session was terminated; stop the run");
        }
        if (session.run() != run) {
            return gone("run_superseded", "The session has moved on to run " + session.run() + "; stop this one");
        }
        if (session.turn() > after && session.status() == SessionStatus.RUNNING) {
            return Response.ok(new NextTurn(session.turn(), TurnPrompt.of(session), session.messages())).build();
        }
        return null;
    }

    private static Response gone(String error, String message) {
        return Response.status(Response.Status.GONE).type(MediaType.APPLICATION_JSON)
                .entity(new dev.agentservices.common.http.ErrorBody(error, message)).build();
    }

    private static void close(AutoCloseable watch) {
        if (watch == null) {
            return;
        }
        try {
            watch.close();
        } catch (Exception e) {
            LOG.debugf("Closing a turn watch: %s", e.getMessage());
        }
    }
}

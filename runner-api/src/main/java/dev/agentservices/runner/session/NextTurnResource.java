package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
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
 * deleted). Waits on a KV watch of the one session, holding no thread.
 */
@Path("/api/runner/sessions/{id}/next")
@Produces(MediaType.APPLICATION_JSON)
public class NextTurnResource {

    private static final Logger LOG = Logger.getLogger(NextTurnResource.class);
    static final int MAX_WAIT_SECONDS = 60;

    /** The turn a run takes next. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NextTurn(int turn, String prompt, List<SessionMessage> messages) {
    }

    private final PodTokenVerifier tokens;
    private final SessionStore store;

    public NextTurnResource(PodTokenVerifier tokens, SessionStore store) {
        this.tokens = tokens;
        this.store = store;
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
                    answered.set(true);
                    close(watch.getAndSet(null));
                });
    }

    /** The answer for the session as it now is, or null to keep waiting. */
    static Response decide(Optional<Session> current, int run, int after) {
        if (current.isEmpty()) {
            return gone("unknown_session", "The session was deleted; stop the run");
        }
        Session session = current.get();
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

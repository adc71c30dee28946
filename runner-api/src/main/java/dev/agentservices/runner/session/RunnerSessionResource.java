package dev.agentservices.runner.session;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.NatsUnavailableException;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunPause;
import dev.agentservices.common.runner.RunProgress;
import dev.agentservices.common.runner.RunTyped;
import dev.agentservices.common.session.Progress;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Usage;
import dev.agentservices.runner.auth.PodTokenVerifier;
import dev.agentservices.runner.http.RunnerApiException;
import dev.agentservices.runner.upload.UploadConfig;
import dev.agentservices.runner.upload.StateStore;
import dev.agentservices.runner.upload.Uploader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The session pod's API: its context, how far a turn got, how each turn ended, and that its run paused or ended.
 * Reports are published to {@code runner.{agent}.{id}.{run}.progress|complete|pause|end} with one {@code Nats-Msg-Id}
 * per count of steps (progress), per turn (complete) or per run (pause, end), answered 202 once
 * JetStream acknowledged them. The methods block on NATS, so Quarkus REST runs them on worker threads
 * (they return plain values, not {@code Uni}).
 */
@Path("/api/runner/sessions/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class RunnerSessionResource {

    private static final Logger LOG = Logger.getLogger(RunnerSessionResource.class);

    private static final Map<String, SessionStatus> OUTCOMES = Map.of(
            "succeeded", SessionStatus.SUCCEEDED, "failed", SessionStatus.FAILED);

    /** A turn's report becomes one NATS message, under its 1 MiB limit. */
    static final int MAX_REPORT_BYTES = 1024 * 1024 - 64 * 1024;
    /** The most steps a progress report may count. */
    static final int MAX_STEPS = 1_000_000;
    /** When each run (session id and run) last had a progress report taken, from {@link System#nanoTime()}. */
    private static final java.util.Map<String, Long> LAST_PROGRESS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    private final PodTokenVerifier tokens;
    private final RunViews store;
    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final ObjectMapper mapper;
    private final StateStore states;
    private final UploadConfig uploadConfig;

    public RunnerSessionResource(PodTokenVerifier tokens, RunViews store, NatsConnection nats, JetStreamPublisher publisher,
            ObjectMapper mapper, StateStore states, UploadConfig uploadConfig) {
        this.publisher = publisher;
        this.tokens = tokens;
        this.store = store;
        this.nats = nats;
        this.mapper = mapper;
        this.states = states;
        this.uploadConfig = uploadConfig;
    }

    @GET
    public RunnerContext context(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        RunView session = authorizedSession(id, authorization).session();
        return RunnerContext.of(session, downloadUrl(id, session.stateKey()), downloadUrl(id, session.scrollbackKey()),
                uploadConfig);
    }

    @POST
    @Path("complete")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response complete(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        CompleteRequest request = parse(body, CompleteRequest.class);
        SessionStatus status = request.status() == null ? null : OUTCOMES.get(request.status().toLowerCase(Locale.ROOT));
        if (status == null) {
            throw new RunnerApiException(400, "invalid_status", "status must be \"succeeded\" or \"failed\"");
        }
        int turn = request.turn() == null ? authorized.session().turn() : request.turn();
        if (turn < 1) {
            throw new RunnerApiException(400, "invalid_turn", "turn must be the number of the turn the runner took (1 or more)");
        }
        CompleteRequest.Usage reported = request.usage();
        if (reported != null && !AgentResult.plausible(reported.inputTokens(), reported.outputTokens(), reported.cacheCreationTokens(),
                reported.cacheReadTokens(), reported.durationMs())) {
            throw new RunnerApiException(400, "invalid_usage", "usage counts tokens: each 0 to " + AgentResult.MAX_TOKENS
                    + "; send the outcome again with the counts the turn had (or without usage)");
        }
        // a cost a run reports is never taken: the worker prices the tokens
        Usage usage = reported == null ? null : new Usage(reported.inputTokens(), reported.outputTokens(),
                reported.cacheCreationTokens(), reported.cacheReadTokens(), 0, reported.durationMs());
        String finalMessage = request.finalMessage();
        String error = request.error();
        String agentSessionId = request.agentSessionId();
        AgentResult result = AgentResult.parse(mapper, finalMessage).orElse(null);
        if (result != null && !result.plausibleUsage()) {
            throw new RunnerApiException(400, "invalid_usage", "the result's usage counts tokens below 0 or over "
                    + AgentResult.MAX_TOKENS + "; send the outcome again with the counts the turn had");
        }
        if (result != null) {
            finalMessage = result.answer();
            usage = usage == null ? result.usage() : usage;
            agentSessionId = agentSessionId == null ? result.sessionId() : agentSessionId;
            if (result.error()) {
                status = SessionStatus.FAILED;
                error = error != null ? error : "the agent reported an error" + (result.subtype() == null ? "" : " (" + result.subtype() + ")");
            }
        }
        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, id, authorized.token().run(), turn, status, finalMessage,
                request.artifacts(), usage, error, agentSessionId);
        publish(Subjects.runner(authorized.session().agent(), id, authorized.token().run(), "complete"), outcome.dedupId(), authorized.sessionKey(), outcome);
        return Response.accepted().build();
    }

    /**
     * How far the current turn got. Best effort for the runner (it does not retry); stored like the other reports, so
     * the worker updates the dashboard and the Slack progress message from it.
     */
    @POST
    @Path("progress")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response progress(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        ProgressRequest request = parse(body, ProgressRequest.class);
        if (request.turn() == null || request.turn() < 1) {
            throw new RunnerApiException(400, "invalid_turn", "turn must be the number of the turn going (1 or more)");
        }
        if (request.steps() == null || request.steps() < 0 || request.steps() > MAX_STEPS) {
            throw new RunnerApiException(400, "invalid_steps", "steps must be the count of steps taken so far (0 to " + MAX_STEPS + ")");
        }
        // each report is a stored message and a write of the record: a run gets one a second, not a flood
        long now = System.nanoTime();
        Long last = LAST_PROGRESS.get(id + ":" + authorized.token().run());
        if (last != null && now - last < PROGRESS_EVERY_NANOS) {
            throw new RunnerApiException(429, "too_many_reports", "A run reports its progress at most once a second; this one "
                    + "was dropped, send the next one later");
        }
        if (LAST_PROGRESS.size() > 10_000) {
            LAST_PROGRESS.clear(); // the runs of long ago; at worst a run may report once more a second early
        }
        LAST_PROGRESS.put(id + ":" + authorized.token().run(), now);
        String step = request.step() == null ? null : request.step().replaceAll("\\p{Cntrl}+", " ").strip();
        RunProgress progress = new RunProgress(RunProgress.VERSION, id, authorized.token().run(), request.turn(), request.steps(),
                step == null || step.isEmpty() ? null : step.substring(0, Math.min(step.length(), Progress.STEP_KEPT)));
        publish(Subjects.runner(authorized.session().agent(), id, authorized.token().run(), "progress"), progress.dedupId(),
                authorized.sessionKey(), progress);
        return Response.accepted().build();
    }

    /**
     * A prompt a person typed into an interactive run's terminal once turn {@code after} had ended: it becomes the
     * session's next turn in this run (the worker records it), so its answer goes back where the session came from.
     */
    @POST
    @Path("typed")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response typed(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        TypedRequest request = parse(body, TypedRequest.class);
        if (request.after() == null || request.after() < 1) {
            throw new RunnerApiException(400, "invalid_turn", "after must be the number of the turn that had ended (1 or more)");
        }
        if (request.text() == null || request.text().isBlank()) {
            throw new RunnerApiException(400, "missing_text", "text must be the prompt that was typed");
        }
        RunTyped typed = new RunTyped(RunTyped.VERSION, id, authorized.token().run(), request.after(), request.text());
        publish(Subjects.runner(authorized.session().agent(), id, authorized.token().run(), "typed"), typed.dedupId(),
                authorized.sessionKey(), typed);
        return Response.accepted().build();
    }

    @POST
    @Path("end")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response end(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        EndRequest request = parse(body, EndRequest.class);
        if (request.lastTurn() == null || request.lastTurn() < 0) {
            throw new RunnerApiException(400, "invalid_last_turn", "last_turn must be the number of the last turn the run took");
        }
        requireOwnKey(id, request.stateKey(), "state_key");
        RunEnd end = new RunEnd(RunEnd.VERSION, id, authorized.token().run(), request.lastTurn(), request.stateKey(),
                request.stateKey() == null ? stateError(request.stateError()) : null);
        publish(Subjects.runner(authorized.session().agent(), id, authorized.token().run(), "end"), end.dedupId(), authorized.sessionKey(), end);
        return Response.accepted().build();
    }

    @POST
    @Path("pause")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response pause(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        PauseRequest request = parse(body, PauseRequest.class);
        String stateError = request.stateKey() == null ? stateError(request.stateError()) : null;
        if ((request.stateKey() == null || request.stateKey().isBlank()) && stateError == null) {
            throw new RunnerApiException(400, "missing_state_key", "A pause must say where the state was saved (state_key), or why it "
                    + "could not be (state_error)");
        }
        requireOwnKey(id, request.stateKey(), "state_key");
        requireOwnKey(id, request.scrollbackKey(), "scrollback_key");
        RunPause pause = new RunPause(RunPause.VERSION, id, authorized.token().run(), request.stateKey(),
                request.scrollbackKey(), request.lastAssistantMessage(), stateError);
        publish(Subjects.runner(authorized.session().agent(), id, authorized.token().run(), "pause"), pause.dedupId(), authorized.sessionKey(), pause);
        return Response.accepted().build();
    }

    /**
     * Begins saving the run's state ({@code {"size": bytes}}): where it goes and a presigned URL for each part, which
     * the runner PUTs to S3 itself, in order, keeping each part's {@code ETag} for {@code state/complete}.
     */
    @POST
    @Path("state")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response beginState(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Authorized authorized = authorizedSession(id, authorization);
        StateRequest request = parse(body, StateRequest.class);
        if (request.size() == null) {
            throw new RunnerApiException(400, "missing_size", "size must be the archive's size in bytes");
        }
        StateStore.Plan plan = states.begin(id, authorized.token().run(), request.size());
        return Response.status(201).entity(Map.of("key", plan.key(), "upload_id", plan.uploadId(), "part_size", plan.partSize(),
                "part_urls", plan.partUrls())).build();
    }

    /** Joins the parts of a state begun with {@code state} ({@code key}, {@code upload_id}, {@code etags} in part order). */
    @POST
    @Path("state/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, String> completeState(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        authorizedSession(id, authorization);
        StateCompleteRequest request = parse(body, StateCompleteRequest.class);
        if (request.key() == null || !request.key().startsWith(StateStore.prefix(id)) || request.key().contains("..")
                || request.uploadId() == null || request.etags() == null || request.etags().isEmpty()
                || request.etags().size() > StateStore.MAX_PARTS || request.etags().stream().anyMatch(etag -> etag == null || etag.isBlank())) {
            throw new RunnerApiException(400, "invalid_state", "key (this session's state, as state answered), upload_id and "
                    + "etags (one a part, in order) are required");
        }
        states.complete(request.key(), request.uploadId(), request.etags());
        return Map.of("key", request.key());
    }

    /** Why a run's state could not be saved, one line of at most 500 characters; null when it says nothing. */
    private static String stateError(String error) {
        if (error == null || error.isBlank()) {
            return null;
        }
        String line = error.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.substring(0, Math.min(line.length(), 500));
    }

    /**
     * A saved state or scrollback must be the session's own: a key this session uploaded through
     * {@code /api/upload}, or the local runner's {@code state/{id}/} folder. Another session's key would give
     * the next run that session's files.
     */
    private static void requireOwnKey(String id, String key, String field) {
        if (key == null) {
            return;
        }
        boolean own = (key.startsWith(Uploader.sessionPrefix(id)) || key.startsWith("state/" + id + "/"))
                && !key.contains("..") && !key.contains("//") && !key.contains("\\");
        if (!own) {
            throw new RunnerApiException(400, "foreign_" + field, field + " must name this session's own upload ("
                    + Uploader.sessionPrefix(id) + "...) or its state folder (state/" + id + "/...)");
        }
    }

    /**
     * A presigned download URL for a key this session stored (its saved state, or an upload through {@code /api/upload});
     * none for a key anywhere else. Never a CloudFront link: a workspace is for its session's runs only.
     */
    private String downloadUrl(String id, String key) {
        return key != null && key.startsWith(Uploader.sessionPrefix(id)) ? states.url(key).orElse(null) : null;
    }

    private record Authorized(PodTokenVerifier.PodToken token, RunView session) {
        /** Runner reports carry the session key, so the worker applies one session's reports in order. */
        String sessionKey() {
            return session.key().toString();
        }
    }

    private Authorized authorizedSession(String id, String authorization) {
        PodTokenVerifier.PodToken token = tokens.verify(authorization, id);
        RunView session = store.get(id).orElseThrow(
                () -> new RunnerApiException(404, "unknown_session", "There is no session " + id));
        if (session.status() == SessionStatus.TERMINATED) {
            throw new RunnerApiException(403, "session_terminated", "The session was terminated; stop the run");
        }
        if (token.run() != session.run()) {
            throw new RunnerApiException(403, "run_over", "This token is for run " + token.run() + "; the session is on run "
                    + session.run() + ": stop this one");
        }
        return new Authorized(token, session);
    }

    private <T> T parse(byte[] body, Class<T> type) {
        if (body.length > MAX_REPORT_BYTES) {
            throw new RunnerApiException(413, "report_too_large", "A report may be at most " + MAX_REPORT_BYTES
                    + " bytes; put long output in a file in outbox/ (it is uploaded as an artifact)");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new RunnerApiException(400, "malformed_json", "The body must be a JSON object");
            }
            return value;
        } catch (JacksonException e) {
            throw new RunnerApiException(400, "malformed_json", "The body is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new RunnerApiException(400, "malformed_json", "The body could not be read");
        }
    }

    private void publish(String subject, String msgId, String sessionKey, Object value) {
        try {
            publisher.publishAndWait(new JetStreamPublisher.Outgoing(subject, nats.config().streams().runner().name(), msgId,
                    sessionKey, null, publisher.json(value)), JetStreamPublisher.DEFAULT_ACK_TIMEOUT);
            LOG.infof("Stored %s", subject);
        } catch (NatsUnavailableException e) {
            throw new RunnerApiException(503, "nats_unavailable", "The outcome could not be stored; retry later");
        }
    }
}

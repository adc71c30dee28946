package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.session.RecordWatch;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.SessionStoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The run views of live sessions ({@link RunView}, the KV bucket {@code runs} the worker keeps): all runner-api knows
 * of a session, read and watched here. runner-api's NATS user may read this bucket and not the worker's records. All
 * methods block on NATS: call them from worker threads.
 */
@Singleton
public class RunViews {

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private volatile KeyValue bucket;

    public RunViews(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    /** The view of a live session; empty when there is none (unknown, deleted, or archived). */
    public Optional<RunView> get(String id) {
        try {
            return view(bucket().get(id));
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("reading the run view of session " + id, e);
        }
    }

    /**
     * Calls {@code onChange} with the session's current view and then with every change of it (empty once it is gone),
     * from the NATS dispatcher's thread, until the returned handle is closed. Blocks while the watch is set up.
     */
    public AutoCloseable watch(String id, Consumer<Optional<RunView>> onChange) {
        try {
            return RecordWatch.of(bucket(), id, mapper, RunView.class, onChange);
        } catch (IOException e) {
            throw new SessionStoreException("watching the run view of session " + id, e);
        }
    }

    private Optional<RunView> view(KeyValueEntry entry) throws IOException {
        if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
            return Optional.empty();
        }
        return Optional.of(mapper.readValue(entry.getValue(), RunView.class));
    }

    private KeyValue bucket() throws IOException {
        KeyValue handle = bucket;
        if (handle == null) {
            handle = nats.connection().keyValue(nats.config().buckets().runs().name());
            bucket = handle;
        }
        return handle;
    }
}

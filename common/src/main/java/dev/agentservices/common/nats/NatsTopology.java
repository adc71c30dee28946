package dev.agentservices.common.nats;

import dev.agentservices.common.nats.NatsConfig.BucketSettings;
import dev.agentservices.common.nats.NatsConfig.StreamSettings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The streams and KeyValue buckets of the NATS contract, created when missing and brought to the
 * configured limits when present. Idempotent: every service runs it at start-up and on reconnect.
 */
public final class NatsTopology {

    /** JetStream's error code for "stream not found". */

    private final NatsConfig config;

    public NatsTopology(NatsConfig config) {
        this.config = config;
    }

    public List<StreamConfiguration> streams() {
        NatsConfig.Streams s = config.streams();
        return List.of(
                stream(s.webhooks(), Subjects.WEBHOOKS_ALL),
                stream(s.runner(), Subjects.RUNNER_ALL),
                stream(s.control(), Subjects.CONTROL_ALL),
                stream(s.deadletter(), Subjects.DEADLETTER_ALL),
                stream(s.history(), Subjects.HISTORY_ALL));
    }

    public List<KeyValueConfiguration> buckets() {
        NatsConfig.Buckets b = config.buckets();
        return List.of(bucket(b.sessions()), bucket(b.runs()), bucket(b.sessionIndex()), bucket(b.processed()), bucket(b.teams()),
                bucket(b.spend()));
    }

    /**
     * Creates or updates every stream and bucket. Blocks on JetStream management calls. Which streams exist
     * comes from the stream names (answered by the cluster's meta leader), not from each stream's info, which
     * only the stream's own leader answers: right after a stream is created, or while a node is down, that
     * leader may still be elected and the info request would wait out its timeout.
     */
    public void ensure(Connection connection) throws IOException, JetStreamApiException {
        JetStreamOptions jsOptions = JetStreamOptions.builder().requestTimeout(config.managementTimeout()).build();
        ensureStreams(connection.jetStreamManagement(jsOptions), streams());
        KeyValueManagement kvm = connection.keyValueManagement(
                KeyValueOptions.builder().jetStreamOptions(jsOptions).build());
        List<String> existing = kvm.getBucketNames();
        for (KeyValueConfiguration bucket : buckets()) {
            if (existing.contains(bucket.getBucketName())) {
                kvm.update(bucket);
            } else {
                kvm.create(bucket);
            }
        }
    }

    /** Creates or updates one stream outside the contract's four (the gateway benchmark's floor), as {@link #ensure} does. */
    public void ensure(Connection connection, StreamConfiguration stream) throws IOException, JetStreamApiException {
        ensureStreams(connection.jetStreamManagement(
                JetStreamOptions.builder().requestTimeout(config.managementTimeout()).build()), List.of(stream));
    }

    private static void ensureStreams(JetStreamManagement jsm, List<StreamConfiguration> streams)
            throws IOException, JetStreamApiException {
        List<String> names = jsm.getStreamNames();
        for (StreamConfiguration stream : streams) {
            if (names.contains(stream.getName())) {
                jsm.updateStream(stream);
            } else {
                jsm.addStream(stream);
            }
        }
    }

    private StreamConfiguration stream(StreamSettings settings, String subjects) {
        return streamLike(settings, settings.name(), subjects);
    }

    /**
     * A stream stored, replicated and limited as {@code settings} say (duplicate window included), under another
     * name and subjects: what the gateway benchmark's floor stores on, so that a message costs it what a webhook does.
     */
    public StreamConfiguration streamLike(StreamSettings settings, String name, String subjects) {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(subjects)
                .storageType(StorageType.File)
                .replicas(config.replicas())
                .maxAge(settings.maxAge())
                .maxBytes(settings.maxBytes())
                .duplicateWindow(settings.duplicateWindow())
                .build();
    }

    private KeyValueConfiguration bucket(BucketSettings settings) {
        KeyValueConfiguration.Builder builder = KeyValueConfiguration.builder()
                .name(settings.name())
                .storageType(StorageType.File)
                .replicas(config.replicas())
                .maxHistoryPerKey(settings.history());
        if (!settings.maxAge().isZero()) {
            builder.ttl(settings.maxAge());
        }
        return builder.build();
    }

    /** The time JetStream may take to answer one management call. */
    public Duration managementTimeout() {
        return config.managementTimeout();
    }
}

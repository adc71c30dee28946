package dev.agentservices.common.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/** A watch of one JSON record in a KV bucket: its value now, then every change (empty once deleted or purged). */
public final class RecordWatch {

    private RecordWatch() {
    }

    /**
     * Calls {@code onChange} with the record of {@code key} read as {@code type}, from the NATS dispatcher's thread, until
     * the returned handle is closed. Blocks while the watch is set up.
     */
    public static <T> AutoCloseable of(KeyValue bucket, String key, ObjectMapper mapper, Class<T> type,
            Consumer<Optional<T>> onChange) {
        try {
            NatsKeyValueWatchSubscription subscription = bucket.watch(key, new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                        onChange.accept(Optional.empty());
                        return;
                    }
                    try {
                        onChange.accept(Optional.of(mapper.readValue(entry.getValue(), type)));
                    } catch (IOException e) {
                        throw new SessionStoreException("reading " + key + " of " + bucket.getBucketName(), e);
                    }
                }

                @Override
                public void endOfData() {
                }
            });
            return subscription::unsubscribe;
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SessionStoreException("watching " + key + " of " + bucket.getBucketName(), e);
        }
    }
}

package dev.agentservices.common.nats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code nats.*}: the server to reach ({@code NATS_URL}) and the streams and buckets of the contract.
 * Names and limits default to the architecture's; production overrides replicas to 3.
 */
@ConfigMapping(prefix = "nats")
public interface NatsConfig {

    /** One or more servers, comma separated. */
    @WithDefault("nats://localhost:4222")
    List<String> url();

    /** The name this client shows in the server's connection list; the application name by default. */
    Optional<String> connectionName();

    @WithDefault("2s")
    Duration connectionTimeout();

    /** Pause between reconnect attempts; the client reconnects forever. */
    @WithDefault("1s")
    Duration reconnectWait();

    /** Timeout of JetStream management calls (stream and bucket set-up). */
    @WithDefault("5s")
    Duration managementTimeout();

    /** Create or update the streams and buckets at start-up and on every reconnect. */
    @WithDefault("true")
    boolean manageTopology();

    /** Replicas of every stream and bucket: 1 on one server, 3 in a production cluster. */
    @WithDefault("1")
    int replicas();

    Streams streams();

    Buckets buckets();

    /** The four streams of the contract. */
    interface Streams {
        StreamSettings webhooks();

        StreamSettings runner();

        StreamSettings control();

        StreamSettings deadletter();
    }

    /** Name and limits of one stream. */
    interface StreamSettings {
        String name();

        Duration maxAge();

        /** -1 for no limit. */
        long maxBytes();

        /** How long a {@code Nats-Msg-Id} is remembered for deduplication. */
        Duration duplicateWindow();
    }

    /** The four KeyValue buckets of the contract. */
    interface Buckets {
        BucketSettings sessions();

        BucketSettings sessionIndex();

        BucketSettings processed();

        BucketSettings teams();
    }

    /** Name and limits of one bucket. */
    interface BucketSettings {
        String name();

        /** Zero for no expiry. */
        Duration maxAge();

        int history();
    }
}

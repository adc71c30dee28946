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

    /** {@code NATS_USER}: the user of a server that requires user and password ({@code NATS_PASSWORD}). */
    Optional<String> user();

    /** {@code NATS_PASSWORD}; never logged. */
    Optional<String> password();

    /** {@code NATS_TOKEN}: the token of a server that requires one; never logged. */
    Optional<String> token();

    /** {@code NATS_CREDS}: a creds file (the user's JWT and nkey seed) for a server with decentralized auth. */
    Optional<String> creds();

    /** {@code NATS_TLS_*}: TLS to the server, with a client certificate when the server verifies clients. */
    Tls tls();

    /**
     * The prefix of this service's reply subjects ({@code NATS_INBOX_PREFIX}); {@code _INBOX_<application
     * name>} by default, so that the server's permissions can give each service its own replies and no
     * other's.
     */
    Optional<String> inboxPrefix();

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

    /** PEM files: {@code NATS_TLS_CA}, {@code NATS_TLS_CERT} and {@code NATS_TLS_KEY} (PKCS #8). */
    interface Tls {
        /** The CA that signed the server's certificate; with it alone, TLS without a client certificate. */
        Optional<String> ca();

        /** This client's certificate (chain), for servers that verify clients; needs {@link #key()}. */
        Optional<String> cert();

        /** The private key of {@link #cert()}, PKCS #8 ({@code -----BEGIN PRIVATE KEY-----}). */
        Optional<String> key();
    }

    /** The streams of the contract. */
    interface Streams {
        StreamSettings webhooks();

        StreamSettings runner();

        StreamSettings control();

        StreamSettings deadletter();

        /** The session change events the worker publishes for the history's projector ({@code history.>}). */
        StreamSettings history();
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

    /** The KeyValue buckets of the contract. */
    interface Buckets {
        BucketSettings sessions();

        /** What each live session's run may know ({@code RunView}): runner-api reads this, not {@link #sessions()}. */
        BucketSettings runs();

        BucketSettings sessionIndex();

        BucketSettings processed();

        BucketSettings teams();

        /** The spend ledger: one entry a charge ({@code SpendLedger}). */
        BucketSettings spend();
    }

    /** Name and limits of one bucket. */
    interface BucketSettings {
        String name();

        /** Zero for no expiry. */
        Duration maxAge();

        int history();
    }
}

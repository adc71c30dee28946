package dev.agentservices.common.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The service's one NATS connection, also produced as the jnats {@link Connection} and {@link JetStream}
 * beans. It reconnects forever (also when the server is down at start-up), sets up the
 * {@link NatsTopology} after every (re)connect, and tells readiness whether NATS can take work right now.
 */
@Startup
@Singleton
public class NatsConnection {

    private static final Logger LOG = Logger.getLogger(NatsConnection.class);

    private final NatsConfig config;
    private final NatsTopology topology;
    private final String applicationName;
    private final AtomicBoolean topologyReady = new AtomicBoolean();
    private final ScheduledExecutorService setup = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "nats-topology");
        thread.setDaemon(true);
        return thread;
    });
    private final Connection connection;
    private final JetStream jetStream;

    /**
     * Connects at once (this bean is created at start-up); when no server answers, the client keeps
     * trying in the background and the service starts anyway, not ready until connected.
     */
    public NatsConnection(NatsConfig config,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "agent-services") String applicationName)
            throws IOException, InterruptedException {
        this.config = config;
        this.topology = new NatsTopology(config);
        this.applicationName = applicationName;
        Options options = NatsCredentials.apply(config, Options.builder()
                .servers(config.url().toArray(String[]::new))
                .connectionName(config.connectionName().orElse(applicationName))
                .inboxPrefix(config.inboxPrefix().orElse("_INBOX_" + applicationName))
                .connectionTimeout(config.connectionTimeout())
                .reconnectWait(config.reconnectWait())
                .maxReconnects(-1)
                // requests (every JetStream publish and KV call is one) queued together go out in one socket write
                // instead of one write each: fewer system calls here and in nats-server, no later send
                .dontForceFlushOnRequest()
                .connectionListener(this::onConnectionEvent)
                .errorListener(new LoggingErrorListener()))
                .build();
        this.connection = Nats.connectReconnectOnConnect(options);
        this.jetStream = connection.jetStream();
    }

    /** The jnats connection, for code that talks to NATS directly. */
    @Produces
    @Singleton
    Connection produceConnection() {
        return connection;
    }

    /** The JetStream context of {@link #produceConnection()}. */
    @Produces
    @Singleton
    JetStream produceJetStream() {
        return jetStream;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        setup.shutdownNow();
        connection.close();
    }

    public Connection connection() {
        return connection;
    }

    public JetStream jetStream() {
        return jetStream;
    }

    public NatsConfig config() {
        return config;
    }

    /** Connected and the streams and buckets exist: a publish now can be acknowledged. */
    public boolean isReady() {
        return connection.getStatus() == Connection.Status.CONNECTED && topologyReady.get();
    }

    public boolean isConnected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED, RESUBSCRIBED -> {
                LOG.infof("NATS %s (%s)", event.name().toLowerCase(), NatsCredentials.redact(conn.getConnectedUrl()));
                if (event != ConnectionListener.Events.RESUBSCRIBED) {
                    scheduleTopology(conn);
                }
            }
            case DISCONNECTED -> LOG.warn("NATS disconnected; reconnecting");
            case CLOSED -> topologyReady.set(false);
            default -> LOG.debugf("NATS %s", event);
        }
    }

    /**
     * Sets up the topology on {@code conn}, the connection the event came from (the field may not be set yet).
     * A failure (a cluster still electing its leaders, a slow R3 create) is tried again every
     * {@code nats.reconnect-wait} while the connection lasts: the service stays not ready meanwhile.
     */
    private void scheduleTopology(Connection conn) {
        if (!config.manageTopology()) {
            topologyReady.set(true);
            return;
        }
        if (setup.isShutdown()) {
            return;
        }
        setup.execute(() -> ensureTopology(conn));
    }

    private void ensureTopology(Connection conn) {
        try {
            topology.ensure(conn);
            topologyReady.set(true);
        } catch (Exception e) {
            topologyReady.set(false);
            LOG.errorf("Could not set up the NATS streams and buckets (%s); trying again in %s", e.getMessage(),
                    config.reconnectWait());
            if (!setup.isShutdown() && conn.getStatus() != Connection.Status.CLOSED) {
                setup.schedule(() -> ensureTopology(conn), Math.max(100, config.reconnectWait().toMillis()), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** jnats reports asynchronous errors here; they go to the log, never silently away. */
    private static final class LoggingErrorListener implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.warnf("NATS error: %s", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.debugf("NATS exception: %s", NatsCredentials.redact(exp.toString()));
        }
    }
}

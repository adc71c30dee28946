package dev.agentservices.common.history;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connection pool of the history's PostgreSQL (Vert.x' reactive client), made only when {@code PGHOST} is set: a
 * service without it runs with its sessions in NATS alone. The pool is built here rather than as a Quarkus datasource
 * so that the history can be absent at run time, as datasource beans cannot be.
 */
@Singleton
public class HistoryDatabase {

    /** How long a call through {@link #await(Future)} waits for the database. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HistoryConfig config;
    private final Pool pool;

    public HistoryDatabase(HistoryConfig config, Vertx vertx,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "agent-services") String application) {
        this.config = config;
        this.pool = config.host().map(host -> {
            // commits do not wait for the disk: the history is a projection of what NATS holds, and what must not be
            // lost (an archived record, before its live copy goes) is committed with synchronous_commit on; the
            // dashboard's metrics group a range's sessions in memory (work_mem), not in sorted runs on disk
            PgConnectOptions options = new PgConnectOptions().setHost(host).setPort(config.port()).setDatabase(config.database())
                    .setUser(config.user()).setSslMode(SslMode.of(config.sslMode())).setCachePreparedStatements(true)
                    .addProperty("application_name", application).addProperty("synchronous_commit", "off")
                    .addProperty("work_mem", "16MB");
            config.password().ifPresent(options::setPassword);
            return PgBuilder.pool().with(new PoolOptions().setMaxSize(config.maxConnections()).setName("history"))
                    .connectingTo(options).using(vertx).build();
        }).orElse(null);
    }

    /** Whether a history is configured. */
    public boolean enabled() {
        return pool != null;
    }

    /** The pool; only when {@link #enabled()}. */
    public Pool pool() {
        if (pool == null) {
            throw new IllegalStateException("no history database is configured (PGHOST)");
        }
        return pool;
    }

    /** The JDBC URL of the same database, for the schema migrations. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + config.host().orElseThrow() + ":" + config.port() + "/" + config.database() + "?sslmode="
                + config.sslMode();
    }

    public HistoryConfig config() {
        return config;
    }

    /** Waits for {@code future} on a worker thread (never the event loop): the history's callers are blocking code. */
    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryUnavailableException(e);
        } catch (ExecutionException e) {
            throw new HistoryUnavailableException(e.getCause());
        } catch (TimeoutException e) {
            throw new HistoryUnavailableException(e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (pool != null) {
            pool.close();
        }
    }

    /** The history database could not answer (down, unreachable, or the statement failed). */
    public static final class HistoryUnavailableException extends RuntimeException {
        public HistoryUnavailableException(Throwable cause) {
            super("the history database did not answer: " + cause, cause);
        }
    }
}

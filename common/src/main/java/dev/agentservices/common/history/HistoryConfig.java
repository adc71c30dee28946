package dev.agentservices.common.history;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * {@code history.*}: the PostgreSQL server that holds the sessions' history, from the libpq variables
 * ({@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE}). Without
 * a host there is no history: sessions live only in NATS and never leave the live bucket.
 */
@ConfigMapping(prefix = "history")
public interface HistoryConfig {

    /** {@code PGHOST}. */
    Optional<String> host();

    /** {@code PGPORT}. */
    @WithDefault("5432")
    int port();

    /** {@code PGDATABASE}. */
    @WithDefault("agent_services")
    String database();

    /** {@code PGUSER}. */
    @WithDefault("agent_services")
    String user();

    /** {@code PGPASSWORD}; never logged. */
    Optional<String> password();

    /** {@code PGSSLMODE}: {@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca} or {@code verify-full}. */
    @WithDefault("prefer")
    String sslMode();

    /** Connections of this service's pool. */
    @WithDefault("8")
    int maxConnections();
}

package dev.agentservices.worker.history;

import dev.agentservices.common.history.HistoryDatabase;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Brings the history's schema up to date (Flyway, {@code db/history/V*__*.sql}): the worker owns the history and is
 * the one service that migrates it. Flyway holds a PostgreSQL advisory lock while it migrates, so several replicas
 * starting at once apply each migration once.
 */
@Singleton
public class HistoryMigrations {

    private static final Logger LOG = Logger.getLogger(HistoryMigrations.class);

    private final HistoryDatabase database;

    public HistoryMigrations(HistoryDatabase database) {
        this.database = database;
    }

    /** Applies what is missing; blocks on JDBC. Throws when the database cannot be reached or a migration fails. */
    public void migrate() {
        var result = Flyway.configure()
                .dataSource(database.jdbcUrl(), database.config().user(), database.config().password().orElse(null))
                .locations("classpath:db/history")
                .table("history_schema")
                .connectRetries(0)
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.infof("History schema migrated to version %s (%d migrations)", result.targetSchemaVersion, result.migrationsExecuted);
        }
    }
}

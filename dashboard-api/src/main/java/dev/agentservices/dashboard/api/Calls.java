package dev.agentservices.dashboard.api;

import io.nats.client.JetStreamApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.io.IOException;
import java.util.function.Supplier;

/** How the API's operations run: off the event loop when they take a while, NATS failures as {@code unavailable}. */
final class Calls {

    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 200;

    private Calls() {
    }

    /**
     * Runs work that takes a while off the event loop: KV calls (team settings, dead letters), and passes
     * over every session of the view (lists, metrics), which would hold up the streams served on that loop.
     */
    static <T> Uni<T> onWorker(Supplier<T> call) {
        return history(Uni.createFrom().item(call).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    /** A read of the history whose database did not answer: {@code unavailable}, so the caller retries. */
    static <T> Uni<T> history(Uni<T> read) {
        return read.onFailure(dev.agentservices.common.history.HistoryDatabase.HistoryUnavailableException.class)
                .transform(e -> ApiException.unavailable("The history database did not answer; retry later"));
    }

    /** A NATS call whose failure means the dashboard cannot answer now: {@code unavailable}, so the caller retries. */
    static <T> T nats(NatsCall<T> call) {
        try {
            return call.run();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.unavailable("NATS did not answer (" + e.getMessage() + "); retry later");
        }
    }

    static int pageSize(int requested) {
        int size = requested <= 0 ? DEFAULT_PAGE_SIZE : requested;
        if (size > MAX_PAGE_SIZE) {
            throw ApiException.invalidArgument("page_size is at most " + MAX_PAGE_SIZE);
        }
        return size;
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    @FunctionalInterface
    interface NatsCall<T> {
        T run() throws IOException, JetStreamApiException;
    }
}

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The projector's throughput (deploy/bench/history.sh runs it): publishes CHANGES session change events on HISTORY as
 * the worker does (five a session: created with its request, running, its turn answered, replied, its run ended) and
 * times the worker's projector (durable consumer session-worker-history) from the first publish until it has applied
 * them all; the publish alone is the baseline. Compared with the rate the worker makes changes at 200 mentions/s.
 * Args: NATS_URL CHANGES
 */
public class HistoryBench {

    /**
     * Changes a mention makes in a session's life: 60 on HISTORY for the 12 mentions of HistoryEndToEndIT (created, its
     * pod, running, its answer, its run's end).
     */
    static final int CHANGES_PER_MENTION = Integer.parseInt(System.getenv().getOrDefault("CHANGES_PER_MENTION", "5"));

    public static void main(String[] args) throws Exception {
        String natsUrl = args[0];
        int changes = Integer.parseInt(args[1]);
        String run = Long.toString(System.currentTimeMillis(), 36);
        try (Connection nats = Nats.connect(natsUrl)) {
            JetStream js = nats.jetStream();
            long start = System.nanoTime();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>(changes);
            for (int i = 0; i < changes; i++) {
                int session = i / 5;
                int step = i % 5;
                String id = "proj-" + run + "-" + session;
                Headers headers = new Headers().put("Agent-Services-Session-Key", "buck:slack:CPROJ:" + run + "." + session);
                acks.add(js.publishAsync("history.buck." + id, headers, change(id, run, session, step).getBytes(StandardCharsets.UTF_8),
                        PublishOptions.builder().messageId(id + ":" + (step + 1)).build()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            double published = (System.nanoTime() - start) / 1e9;
            ConsumerInfo info;
            do {
                Thread.sleep(50);
                info = nats.jetStreamManagement().getConsumerInfo("HISTORY", "session-worker-history");
            } while (info.getNumPending() > 0 || info.getNumAckPending() > 0);
            double applied = (System.nanoTime() - start) / 1e9;
            double needed = 200.0 * CHANGES_PER_MENTION;
            System.out.println("| " + changes + " change events | rate | ratio |");
            System.out.println("|---|---:|---:|");
            System.out.printf("| published on HISTORY (baseline) | %.0f /s | 1.00 |%n", changes / published);
            System.out.printf("| applied to PostgreSQL by the projector | %.0f /s | %.2f |%n", changes / applied, published / applied);
            System.out.printf("| made by the worker at 200 mentions/s (%d changes a mention) | %.0f /s | |%n", CHANGES_PER_MENTION, needed);
            System.out.printf("%nprojector: %.0f changes/s, %.1f times what 200 mentions/s make%n", changes / applied, changes / applied / needed);
        }
    }

    /** The JSON of one SessionChange (v1), as SessionStore publishes it. */
    static String change(String id, String run, int session, int step) {
        Instant created = Instant.now();
        String status = step == 0 ? "PENDING" : step == 1 ? "RUNNING" : "SUCCEEDED";
        String messages = step == 0 ? "[{\"author\":\"U" + (session % 300) + "\",\"text\":\"please fix the login code, ticket k"
                + session + "\",\"time\":\"" + created + "\",\"role\":\"person\"}]" : "[]";
        String turns = step == 2 ? "[{\"number\":1,\"run\":1,\"status\":\"SUCCEEDED\",\"startedAt\":\"" + created + "\",\"finishedAt\":\""
                + created + "\",\"usage\":{\"inputTokens\":1200,\"outputTokens\":300,\"costUsd\":0.0081}}]" : "[]";
        String answer = step == 2 ? ",\"lastAssistantMessage\":\"Fixed the login code; the tests pass.\"" : "";
        String artifacts = step == 2 ? "[{\"kind\":\"pull_request\",\"title\":\"Fix login\",\"url\":\"https://github.com/acme/app/pull/"
                + session + "\"}]" : "[]";
        return "{\"v\":1,\"id\":\"" + id + "\",\"revision\":" + (step + 1) + ",\"deleted\":false,\"agent\":\"buck\",\"source\":\"slack\","
                + "\"key\":\"buck:slack:CPROJ:" + run + "." + session + "\",\"team\":\"team-" + (session % 20) + "\",\"title\":\"fix login "
                + session + "\",\"status\":\"" + status + "\",\"podName\":" + (step >= 1 ? "\"session-" + session + "-1\"" : "null")
                + ",\"run\":1,\"turn\":1,\"createdAt\":\"" + created + "\",\"startedAt\":\"" + created + "\",\"finishedAt\":"
                + (step >= 2 ? "\"" + created + "\"" : "null") + ",\"usage\":{\"inputTokens\":" + (step >= 2 ? 1200 : 0)
                + ",\"outputTokens\":" + (step >= 2 ? 300 : 0) + ",\"costUsd\":" + (step >= 2 ? 0.0081 : 0) + "},\"podMillis\":0" + answer
                + ",\"messages\":" + messages + ",\"turns\":" + turns + ",\"artifacts\":" + artifacts + "}";
    }
}

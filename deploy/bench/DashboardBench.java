import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.KeyValueWatchOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dashboard-api benchmark (deploy/bench/dashboard.sh runs it):
 * 1. ListSessions over SESSIONS sessions (first page of 50, newest first; and a text search), p50/p99,
 *    against GET /q/health/live on the same server;
 * 2. SSE_CLIENTS clients on one session's event stream; each change is a KV put stamped with the time it
 *    was made, and each client records change → event; against a bare KV watcher in this process.
 * Args: NATS_URL DASHBOARD_URL TOKEN SESSIONS SSE_CLIENTS CHANGES
 */
public class DashboardBench {

    static final Pattern STAMP = Pattern.compile("t=(\\d+)");

    public static void main(String[] args) throws Exception {
        String natsUrl = args[0];
        String dashboard = args[1];
        String token = args[2];
        int sessions = Integer.parseInt(args[3]);
        int clients = Integer.parseInt(args[4]);
        int changes = Integer.parseInt(args[5]);

        try (Connection nats = Nats.connect(natsUrl)) {
            KeyValue kv = nats.keyValue("sessions");
            System.err.printf("seeding %d sessions...%n", sessions);
            Instant start = Instant.now().minus(Duration.ofDays(2));
            List<CompletableFuture<?>> puts = new ArrayList<>();
            String target = null;
            for (int i = 0; i < sessions; i++) {
                String id = UUID.randomUUID().toString();
                target = id;
                kv.put(id, record(id, i, start.plusSeconds(i * 10L), "seed").getBytes(StandardCharsets.UTF_8));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            awaitTotal(http, dashboard, token, sessions);

            System.err.println("ListSessions...");
            String page = "{\"pageSize\":50}";
            String search = "{\"pageSize\":50,\"text\":\"title 4242\"}";
            List<Double> health = timeRequests(http, dashboard, token, null, 2000);
            List<Double> list = timeRequests(http, dashboard, token, page, 2000);
            List<Double> filtered = timeRequests(http, dashboard, token, search, 500);
            health = timeRequests(http, dashboard, token, null, 2000);
            System.out.printf("| request over %d sessions | p50 | p99 | p99 ratio to baseline |%n|---|---:|---:|---:|%n", sessions);
            row("GET /q/health/live (baseline)", health, health);
            row("ListSessions, first page of 50", list, health);
            row("ListSessions, text search, page of 50", filtered, health);

            System.err.printf("SSE: %d clients on one session, %d changes...%n", clients, changes);
            List<Long> sse = Collections.synchronizedList(new ArrayList<>());
            List<Long> bare = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch connected = new CountDownLatch(clients);
            AtomicInteger failed = new AtomicInteger();
            HttpClient streams = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            for (int c = 0; c < clients; c++) {
                streams.sendAsync(HttpRequest.newBuilder(URI.create(dashboard + "/api/sessions/" + target + "/events"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines())
                        .thenAccept(response -> {
                            if (response.statusCode() != 200) {
                                failed.incrementAndGet();
                                connected.countDown();
                                return;
                            }
                            boolean[] first = {true};
                            response.body().forEach(line -> {
                                if (!line.startsWith("data:")) {
                                    return;
                                }
                                if (first[0]) {
                                    first[0] = false;
                                    connected.countDown();
                                }
                                Matcher m = STAMP.matcher(line);
                                if (m.find()) {
                                    sse.add(nowMicros() - Long.parseLong(m.group(1)));
                                }
                            });
                        }).exceptionally(e -> {
                            failed.incrementAndGet();
                            connected.countDown();
                            return null;
                        });
            }
            if (!connected.await(60, TimeUnit.SECONDS)) {
                System.err.printf("only %d of %d clients connected%n", clients - connected.getCount(), clients);
            }
            kv.watch(target, new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    Matcher m = STAMP.matcher(new String(entry.getValue(), StandardCharsets.UTF_8));
                    if (m.find()) {
                        bare.add(nowMicros() - Long.parseLong(m.group(1)));
                    }
                }

                @Override
                public void endOfData() {
                }
            }, KeyValueWatchOption.UPDATES_ONLY);
            for (int i = 0; i < changes; i++) {
                kv.put(target, record(target, sessions, start, "t=" + nowMicros()).getBytes(StandardCharsets.UTF_8));
                Thread.sleep(100);
            }
            long expected = (long) (clients - failed.get()) * changes;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((sse.size() < expected || bare.size() < changes) && System.nanoTime() < deadline) {
                Thread.sleep(50); // the last change's events are still on their way
            }
            System.out.printf("%n| change → client, %d SSE clients, %d changes | p50 | p99 | max | events received |%n"
                    + "|---|---:|---:|---:|---:|%n", clients, changes);
            latencyRow("bare KV watcher in the benchmark (baseline)", bare, changes);
            latencyRow("SSE /api/sessions/{id}/events", sse, expected);
            System.out.printf("%nFailed connections: %d%n", failed.get());
            System.exit(0);
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static String record(String id, int n, Instant created, String lastMessage) {
        return "{\"v\":1,\"id\":\"" + id + "\",\"agent\":\"buck\",\"source\":\"slack\",\"key\":\"buck:slack:C0BENCH:" + n
                + ".000100\",\"team\":\"team-" + (n % 10) + "\",\"title\":\"title " + n + "\",\"origin\":{\"slackChannel\":\"C0BENCH\","
                + "\"slackThreadTs\":\"" + n + ".000100\"},\"status\":\"" + (n % 3 == 0 ? "SUCCEEDED" : "RUNNING")
                + "\",\"podName\":\"session-" + n + "-1\",\"run\":1,\"messages\":[],\"prompt\":\"do task " + n
                + "\",\"lastAssistantMessage\":\"" + lastMessage + "\",\"artifacts\":[],\"createdAt\":\"" + created
                + "\",\"repliedRun\":0,\"applied\":[]}";
    }

    static void awaitTotal(HttpClient http, String dashboard, String token, int sessions) throws Exception {
        Pattern total = Pattern.compile("\"totalSize\":(\\d+)");
        for (int attempt = 0; attempt < 600; attempt++) {
            String body = http.send(list(dashboard, token, "{\"pageSize\":1}"), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = total.matcher(body);
            if (m.find() && Integer.parseInt(m.group(1)) >= sessions) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the dashboard's view never reached " + sessions + " sessions");
    }

    static HttpRequest list(String dashboard, String token, String body) {
        return HttpRequest.newBuilder(URI.create(dashboard + "/api/dashboard/api.v1.DashboardService/ListSessions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Requests from 4 threads; milliseconds each. A null body means the baseline, GET /q/health/live. */
    static List<Double> timeRequests(HttpClient http, String dashboard, String token, String body, int count) throws Exception {
        List<Double> times = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        HttpRequest request = body == null ? HttpRequest.newBuilder(URI.create(dashboard + "/q/health/live")).build()
                : list(dashboard, token, body);
        for (int i = 0; i < count; i++) {
            pool.submit(() -> {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode());
                }
                times.add((System.nanoTime() - t0) / 1e6);
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        return times;
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static void row(String name, List<Double> times, List<Double> baseline) {
        System.out.printf("| %s | %.2f ms | %.2f ms | %.2f |%n", name, percentile(times, 0.5), percentile(times, 0.99),
                percentile(times, 0.99) / percentile(baseline, 0.99));
    }

    static void latencyRow(String name, List<Long> micros, long expected) {
        List<Double> ms = micros.stream().map(m -> m / 1000.0).toList();
        System.out.printf("| %s | %.2f ms | %.2f ms | %.2f ms | %d of %d |%n", name, percentile(ms, 0.5), percentile(ms, 0.99),
                Collections.max(ms), micros.size(), expected);
    }
}

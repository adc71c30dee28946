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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dashboard-api benchmark (deploy/bench/dashboard.sh runs it):
 * 1. ListSessions over SESSIONS sessions (first page of 50, newest first; and a text search), p50/p99,
 *    against GET /q/health/live on the same server;
 * 2. SSE_CLIENTS clients on one session's event stream, in a process of their own (SseClients.java), three runs; each
 *    change is a KV put stamped with the time it
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

            // the SSE clients run in a process of their own (SseClients.java), connected once: a warm-up run (the
            // SSE path's first changes to a thousand clients, JIT on both sides included), then three runs in a row
            System.out.printf("%n| run | change → client, %d SSE clients, %d changes | p50 | p99 | max | events received |%n"
                    + "|---|---|---:|---:|---:|---:|%n", clients, changes);
            Process sseClients = new ProcessBuilder("java", "-XX:+UseSerialGC", "deploy/bench/SseClients.java", dashboard, token,
                    target, Integer.toString(clients)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            java.io.BufferedReader fromClients = new java.io.BufferedReader(new java.io.InputStreamReader(sseClients.getInputStream()));
            String ready = fromClients.readLine();
            System.err.println(ready);
            long connectedClients = Long.parseLong(ready.split(" ")[1]);
            for (int run = 0; run <= 3; run++) {
                System.err.printf("SSE run %d%s: %d clients on one session, %d changes...%n", run, run == 0 ? " (warm-up)" : "",
                        clients, changes);
                List<Long> bare = Collections.synchronizedList(new ArrayList<>());
                final String watched = target;
                var watch = kv.watch(watched, new KeyValueWatcher() {
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
                Thread.sleep(3000); // the last change's events are still on their way
                watch.unsubscribe();
                sseClients.getOutputStream().write((run == 3 ? "stop\n" : "next\n").getBytes(StandardCharsets.UTF_8));
                sseClients.getOutputStream().flush();
                String[] result = fromClients.readLine().split(" ");
                List<Double> ms = bare.stream().map(m -> m / 1000.0).toList();
                String label = run == 0 ? "warm-up, not counted" : Integer.toString(run);
                System.out.printf("| %s | bare KV watcher in the benchmark (baseline) | %.2f ms | %.2f ms | %.2f ms | %d of %d |%n", label,
                        percentile(ms, 0.5), percentile(ms, 0.99), Collections.max(ms), ms.size(), changes);
                System.out.printf("| %s | SSE /api/sessions/{id}/events | %s ms | %s ms | %s ms | %s of %d |%n", label, result[1], result[2],
                        result[3], result[4], connectedClients * changes);
            }
            sseClients.waitFor(30, TimeUnit.SECONDS);
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
        String body = "";
        for (int attempt = 0; attempt < 600; attempt++) {
            body = http.send(list(dashboard, token, "{\"pageSize\":1}"), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = total.matcher(body);
            if (m.find() && Integer.parseInt(m.group(1)) >= sessions) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the dashboard's view never reached " + sessions + " sessions; it answered: "
                + body.substring(0, Math.min(300, body.length())));
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
}

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.Headers;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The fault test of deploy/bench/faults.sh. Plays everything around the services: Slack (signed mentions
 * to the gateway at a fixed rate, 30% of them sent again with the same event id, 503s retried after a
 * second as Slack does; a stand-in Web API that records each reply with its metadata and answers
 * conversations.replies from what it recorded), the Kubernetes API (a pod create is the run starting), and
 * each run (its outcome published on RUNNER as runner-api would, with the same dedup id). A third of the
 * way in it kills one NATS node and one worker with SIGKILL. It then checks that every mention answered 200
 * has exactly one session, applied once (one message), and exactly one reply in its thread, and measures
 * how soon the accepted rate is back.
 *
 * Args: NATS_URLS GATEWAY_URL SIGNING_SECRET API_PORT SLACK_PORT RATE SECONDS NATS_PID WORKER_PID READY_PORTS
 */
public class FaultBench {

    private static final Pattern SESSION_LABEL = Pattern.compile("\"agent-services.dev/session-id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern THREAD = Pattern.compile("\"thread_ts\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SESSION_ID = Pattern.compile("\"session_id\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String natsUrls = args[0];
        URI gateway = URI.create(args[1] + "/webhooks/slack/events");
        String secret = args[2];
        int apiPort = Integer.parseInt(args[3]);
        int slackPort = Integer.parseInt(args[4]);
        double rate = Double.parseDouble(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String[] natsPids = args[7].split(",");
        String workerPid = args[8];
        String[] readyPorts = args[9].split(",");

        Connection nats = Nats.connect(Options.builder().servers(natsUrls.split(",")).maxReconnects(-1).build());
        JetStream js = nats.jetStream();
        Map<String, List<String>> replies = new ConcurrentHashMap<>();
        Set<String> runsStarted = ConcurrentHashMap.newKeySet();
        ExecutorService runs = Executors.newFixedThreadPool(4);
        HttpServer kubernetes = stand("kubernetes", apiPort, exchange -> kubernetes(exchange, nats, js, runsStarted, runs));
        HttpServer slack = stand("slack", slackPort, exchange -> slack(exchange, replies));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        for (String port : readyPorts) {
            awaitReady(http, port);
        }

        long total = (long) (rate * seconds);
        int bucketsCount = seconds + 60;
        AtomicLongArray acceptedPerSecond = new AtomicLongArray(bucketsCount);
        Map<String, Boolean> accepted = new ConcurrentHashMap<>();
        List<String[]> sentEvents = new ArrayList<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        AtomicLong refused = new AtomicLong();
        Random random = new Random(7);
        long base = System.currentTimeMillis() / 1000;
        long killAt = total / 3;
        long start = System.nanoTime();
        long killedAtNanos = 0;
        AtomicLong electedAt = new AtomicLong();
        System.err.printf("sending %d mentions at %.0f/s, 30%% sent again; killing the WEBHOOKS leader's node and worker %s"
                + " at mention %d%n", total, rate, workerPid, killAt);
        String leaderName = "";
        for (long n = 0; n < total; n++) {
            long due = start + (long) (n * 1e9 / rate);
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            if (n == killAt) {
                // the node that leads the stream every webhook goes to: its loss costs an election
                leaderName = nats.jetStreamManagement().getStreamInfo("WEBHOOKS").getClusterInfo().getLeader();
                String natsPid = natsPids[Integer.parseInt(leaderName.substring(1))];
                new ProcessBuilder("kill", "-9", natsPid, workerPid).inheritIO().start().waitFor();
                killedAtNanos = System.nanoTime();
                String killed = leaderName;
                Thread watcher = new Thread(() -> awaitNewLeader(nats, killed, electedAt));
                watcher.setDaemon(true);
                watcher.start();
                System.err.println("killed " + leaderName + " and the worker");
            }
            String[] event;
            if (!sentEvents.isEmpty() && random.nextDouble() < 0.3) {
                event = sentEvents.get(random.nextInt(sentEvents.size()));
            } else {
                String ts = base + "." + String.format("%06d", n);
                event = new String[] {ts, mention(ts)};
                sentEvents.add(event);
            }
            String[] chosen = event;
            sends.add(send(http, gateway, secret, chosen[1], 0).thenAccept(status -> {
                if (status == 200) {
                    accepted.put(chosen[0], true);
                    int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
                    acceptedPerSecond.incrementAndGet(Math.min(second, bucketsCount - 1));
                } else {
                    refused.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        System.err.printf("%d threads accepted, %d sends not accepted in the end; waiting for the replies...%n", accepted.size(), refused.get());

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && !accepted.keySet().stream().allMatch(replies::containsKey)) {
            Thread.sleep(500);
        }
        Thread.sleep(10_000); // a late duplicate would show now

        KeyValue index = nats.keyValue("session-index", KeyValueOptions.builder().build());
        KeyValue sessions = nats.keyValue("sessions");
        int missingReply = 0;
        int extraReplies = 0;
        int notAppliedOnce = 0;
        for (String ts : accepted.keySet()) {
            List<String> posted = replies.getOrDefault(ts, List.of());
            if (posted.isEmpty()) {
                missingReply++;
            } else if (posted.size() > 1) {
                extraReplies++;
            }
            KeyValueEntry id = index.get("buck.slack.C0FAULT." + ts.replace(".", "=2E"));
            KeyValueEntry record = id == null ? null : sessions.get(id.getValueAsString());
            if (record == null || countOf(record.getValueAsString(), "\"author\"") != 1) {
                notAppliedOnce++;
            }
        }
        int before = (int) (killAt / rate);
        double steady = 0;
        for (int s = 1; s < before; s++) {
            steady += acceptedPerSecond.get(s);
        }
        steady = before > 1 ? steady / (before - 1) : rate;
        int killSecond = (int) ((killedAtNanos - start) / 1_000_000_000L);
        int recoveredAfter = -1;
        for (int s = killSecond; s < seconds; s++) {
            if (acceptedPerSecond.get(s) >= 0.8 * steady) {
                recoveredAfter = s - killSecond;
                break;
            }
        }
        double election = electedAt.get() == 0 ? Double.NaN : (electedAt.get() - killedAtNanos) / 1e9;
        int electionSecond = electedAt.get() == 0 ? Integer.MAX_VALUE : (int) ((electedAt.get() - start) / 1_000_000_000L);
        int afterElection = recoveredAfter < 0 || electedAt.get() == 0 ? -1 : Math.max(0, killSecond + recoveredAfter - electionSecond);
        StringBuilder perSecond = new StringBuilder();
        for (int s = 0; s < seconds + 2; s++) {
            perSecond.append(s == killSecond ? "**" + acceptedPerSecond.get(s) + "**" : acceptedPerSecond.get(s)).append(' ');
        }
        System.out.println("| check | result |");
        System.out.println("|---|---:|");
        System.out.printf("| mentions sent (30%% of them again) | %d |%n", total);
        System.out.printf("| NATS node killed (the WEBHOOKS leader) | %s |%n", leaderName);
        System.out.printf("| threads answered 200 | %d |%n", accepted.size());
        System.out.printf("| … without exactly one applied message | %d |%n", notAppliedOnce);
        System.out.printf("| … without a reply | %d |%n", missingReply);
        System.out.printf("| … with more than one reply | %d |%n", extraReplies);
        System.out.printf("| accepted per second before the kill (steady) | %.1f |%n", steady);
        System.out.printf("| seconds until the stream had a new leader (JetStream's election) | %.1f |%n", election);
        System.out.printf("| seconds from the kill until ≥ 80%% of that rate again | %s |%n", recoveredAfter < 0 ? "not within the run" : Integer.toString(recoveredAfter));
        System.out.printf("| … of which after the new leader was elected | %s |%n", afterElection < 0 ? "—" : Integer.toString(afterElection));
        System.out.printf("%naccepted per second (the kill in bold): %s%n", perSecond.toString().trim());
        kubernetes.stop(0);
        slack.stop(0);
        runs.shutdownNow();
        nats.close();
        // the gateway cannot store anything while the stream has no leader: recovery is counted from the election
        boolean ok = missingReply == 0 && extraReplies == 0 && notAppliedOnce == 0 && recoveredAfter >= 0
                && (recoveredAfter <= 5 || (afterElection >= 0 && afterElection <= 5));
        System.out.println(ok ? "\nPASS" : "\nFAIL");
        System.exit(ok ? 0 : 1);
    }

    /** Notes when the WEBHOOKS stream reports a leader other than the killed node. */
    private static void awaitNewLeader(Connection nats, String killed, AtomicLong electedAt) {
        for (int i = 0; i < 600; i++) {
            try {
                var info = nats.jetStreamManagement(io.nats.client.JetStreamOptions.builder().requestTimeout(Duration.ofMillis(200)).build())
                        .getStreamInfo("WEBHOOKS");
                String leader = info.getClusterInfo().getLeader();
                if (leader != null && !leader.equals(killed)) {
                    electedAt.set(System.nanoTime());
                    return;
                }
            } catch (Exception noLeaderYet) {
                // no answer while the stream has no leader
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sends one signed mention; a 503 (NATS could not store it) is sent again after a second, three times at most. */
    private static CompletableFuture<Integer> send(HttpClient http, URI gateway, String secret, String body, int attempt) {
        return http.sendAsync(signed(gateway, secret, body), HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
            int status = error != null ? 0 : response.statusCode();
            return status;
        }).thenCompose(status -> status == 200 || attempt >= 3 ? CompletableFuture.completedFuture(status)
                : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
                        .thenCompose(ignored -> send(http, gateway, secret, body, attempt + 1)));
    }

    /** A pod create is a run starting: its outcome goes on RUNNER as runner-api would publish it, once per run. */
    private static void kubernetes(HttpExchange exchange, Connection nats, JetStream js, Set<String> runsStarted,
            ExecutorService runs) throws Exception {
        String body = read(exchange);
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/pods")) {
            Matcher session = SESSION_LABEL.matcher(body);
            if (session.find() && runsStarted.add(session.group(1))) {
                String id = session.group(1);
                runs.submit(() -> complete(nats, js, id));
            }
            answer(exchange, 201, body);
        } else if ("POST".equals(exchange.getRequestMethod())) {
            answer(exchange, 201, body);
        } else if (exchange.getRequestURI().getQuery() != null && exchange.getRequestURI().getQuery().contains("watch=true")) {
            answer(exchange, 410, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":410}");
        } else {
            answer(exchange, 200, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
        }
    }

    private static void complete(Connection nats, JetStream js, String id) {
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                KeyValueEntry record = nats.keyValue("sessions").get(id);
                Matcher key = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"").matcher(record.getValueAsString());
                key.find();
                String outcome = "{\"v\":2,\"sessionId\":\"" + id + "\",\"run\":1,\"turn\":1,\"status\":\"SUCCEEDED\","
                        + "\"finalMessage\":\"Done.\",\"artifacts\":[]}";
                js.publish(io.nats.client.impl.NatsMessage.builder().subject("runner.buck." + id + ".1.complete")
                        .headers(new Headers().put("Agent-Services-Session-Key", key.group(1)))
                        .data(outcome.getBytes(StandardCharsets.UTF_8)).build(),
                        PublishOptions.builder().messageId("runner:" + id + ":1:1:complete").build());
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        System.err.println("could not publish the outcome of " + id);
    }

    /** chat.postMessage records the reply; conversations.replies shows what was recorded; reactions are fine. */
    private static void slack(HttpExchange exchange, Map<String, List<String>> replies) throws Exception {
        String body = read(exchange);
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/chat.postMessage")) {
            Matcher thread = THREAD.matcher(body);
            if (thread.find()) {
                replies.computeIfAbsent(thread.group(1), t -> java.util.Collections.synchronizedList(new ArrayList<>())).add(body);
            }
            answer(exchange, 200, "{\"ok\":true,\"ts\":\"" + System.nanoTime() + "\"}");
        } else if (path.endsWith("/conversations.replies")) {
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            Matcher ts = Pattern.compile("ts=([0-9.]+)").matcher(query);
            StringBuilder messages = new StringBuilder();
            if (ts.find()) {
                for (String posted : replies.getOrDefault(ts.group(1), List.of())) {
                    Matcher session = SESSION_ID.matcher(posted);
                    if (session.find()) {
                        messages.append(messages.length() == 0 ? "" : ",").append("{\"ts\":\"1.1\",\"metadata\":{\"event_type\":"
                                + "\"agent_services_reply\",\"event_payload\":{\"session_id\":\"").append(session.group(1))
                                .append("\",\"turn\":1,\"piece\":0}}}");
                    }
                }
            }
            answer(exchange, 200, "{\"ok\":true,\"messages\":[" + messages + "]}");
        } else {
            answer(exchange, 200, "{\"ok\":true}");
        }
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    private static HttpServer stand(String name, int port, Handler handler) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.createContext("/", exchange -> {
            try {
                handler.handle(exchange);
            } catch (Exception e) {
                System.err.println(name + ": " + e);
                exchange.close();
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return server;
    }

    private static String read(HttpExchange exchange) throws Exception {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void awaitReady(HttpClient http, String port) throws Exception {
        for (int i = 0; i < 600; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service on port " + port + " did not become ready");
    }

    private static int countOf(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    private static String mention(String ts) {
        return "{\"type\":\"event_callback\",\"api_app_id\":\"A0FAULT\",\"event_id\":\"EvF" + ts.replace(".", "")
                + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> faults\",\"ts\":\"" + ts
                + "\",\"channel\":\"C0FAULT\"}}";
    }

    private static HttpRequest signed(URI uri, String secret, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
            return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("X-Slack-Request-Timestamp", Long.toString(timestamp)).header("X-Slack-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Benchmarks session-worker, with a baseline measured in the same run:
 *
 * <ol>
 *   <li>webhook accepted → pod create request: signed Slack mentions at a fixed rate through the gateway;
 *       for each, the time from the gateway's 200 to the worker's pod create request at a stand-in
 *       Kubernetes API served here; for scale, the same run reports the gateway's own round trip (request
 *       sent → 200) and the time from the 200 to a bare JetStream consumer receiving the message;</li>
 *   <li>follow-ups applied per second by one worker: thread replies to those sessions published straight
 *       to WEBHOOKS; the baseline is a bare pull consumer that only acknowledges the same messages.</li>
 * </ol>
 * Usage: {@code java -cp jnats.jar WorkerBench.java NATS_URL GATEWAY_URL SIGNING_SECRET API_PORT RATE SECONDS FOLLOWUPS}
 */
public class WorkerBench {

    /** Mentions sent at once at most, each on a connection of its own. */
    private static final int MAX_IN_FLIGHT = 512;
    private static final Pattern SESSION_LABEL = Pattern.compile("\"agent-services.dev/session-id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern THREAD_TS = Pattern.compile("\"slackThreadTs\"\\s*:\\s*\"([0-9.]+)\"");
    private static final Pattern SESSION_KEY = Pattern.compile("\"key\"\\s*:\\s*\"buck:slack:C0BENCH:([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String natsUrl = args[0];
        URI gateway = URI.create(args[1] + "/webhooks/slack/events");
        String secret = args[2];
        int apiPort = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int followups = Integer.parseInt(args[6]);
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "3"));
        int warmSeconds = Integer.parseInt(System.getenv().getOrDefault("WARMUP_SECONDS", "40"));
        int warmRounds = Integer.parseInt(System.getenv().getOrDefault("WARMUP_ROUNDS", "8"));
        Processes processes = Processes.fromEnvironment();

        Map<String, Long> podRequested = new ConcurrentHashMap<>();
        try (StandInKubernetes api = new StandInKubernetes(apiPort, podRequested); Connection nats = Nats.connect(natsUrl)) {
            Map<String, Long> transported = new ConcurrentHashMap<>();
            var dispatcher = nats.createDispatcher();
            nats.jetStream().subscribe("webhooks.buck.slack", dispatcher, message -> {
                // envelope v2: the classified event names its thread in origin.slackThreadTs
                Matcher thread = THREAD_TS.matcher(new String(message.getData(), StandardCharsets.UTF_8));
                if (thread.find()) {
                    transported.putIfAbsent(thread.group(1), System.nanoTime());
                }
            }, true, io.nats.client.PushSubscribeOptions.builder().configuration(
                    ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).ackPolicy(AckPolicy.None).build()).build());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Bench bench = new Bench(nats, http, gateway, secret, podRequested, transported, processes);

            // warm-up: both parts at the full rate for WARMUP_SECONDS (40 by default), then rounds like the counted
            // ones until the JIT compilers of the worker and the gateway used at most 10 % of their process's CPU in
            // a round (at most WARMUP_ROUNDS, 8), so the counted rounds measure the services warm rather than their
            // compilers: on two shared cores the worker's C2 compiler still took a third of its CPU after 40 s of
            // load, and its CPU per mention kept falling for about two minutes
            System.err.printf("warm-up: %d s at %.0f/s and %d follow-ups (not counted)...%n", warmSeconds, rate, followups);
            bench.round(rate, warmSeconds, followups);
            for (int warm = 1; warm <= warmRounds && processes.hasWorker(); warm++) {
                long[][] before = processes.compilerAndTotalTicks();
                double cpu = bench.round(rate, seconds, followups).workerCpuPerMention();
                double compiling = processes.compilerShare(before, processes.compilerAndTotalTicks());
                System.err.printf("warm-up round %d: the worker used %.2f ms of CPU per mention; JIT compilers at most %.0f %% "
                        + "of a service's CPU (not counted)%n", warm, cpu, 100 * compiling);
                if (compiling <= 0.1) {
                    break;
                }
            }

            System.out.println("| round | gateway round trip p50 / p99 (baseline) | 200 → bare JetStream consumer p50 / p99 "
                    + "| 200 → pod create request p50 / p99 | last pod after last 200 | follow-ups/s worker / bare consumer "
                    + "| worker CPU ms per mention / follow-up | CPU s: " + processes.joinedNames() + ", benchmark (wall s) |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
            boolean complete = true;
            for (int round = 1; round <= rounds; round++) {
                System.err.printf("round %d of %d...%n", round, rounds);
                long[] before = processes.ticks();
                long wallStart = System.nanoTime();
                Result result = bench.round(rate, seconds, followups);
                long[] after = processes.ticks();
                complete &= result.pods() == result.accepted() && result.accepted() == result.sent();
                System.out.printf("| %d | %s | %s | %s | %.0f ms | %.0f / %.0f = **%.2f** | %.2f / %.2f | %s (%.1f) |%n", round,
                        result.roundTrip(), result.toConsumer(), result.toPod(), result.drainMillis(), result.workerRate(),
                        result.bareRate(), result.workerRate() / result.bareRate(), result.workerCpuPerMention(),
                        result.workerCpuPerFollowup(), processes.seconds(before, after),
                        (System.nanoTime() - wallStart) / 1e9);
                System.out.printf("round %d: %d of %d mentions accepted, %d pods requested; ratio worker/baseline: %.2f%n", round,
                        result.accepted(), result.sent(), result.pods(), result.workerRate() / result.bareRate());
            }
            System.out.printf("%n%.0f mentions/s for %d s and %d follow-ups to 50 sessions per round, %d rounds after the warm-up%s%n",
                    rate, seconds, followups, rounds, complete ? "" : "; SOME MENTIONS GOT NO POD REQUEST");
            System.out.println("the stand-in Kubernetes API answered: " + api.requests);
        }
        System.exit(0);
    }

    /** Latencies of one interval: p50 and p99 in milliseconds. */
    record Latencies(double p50, double p99) {
        static Latencies of(List<Long> nanos) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Latencies(percentile(sorted, 50), percentile(sorted, 99));
        }

        @Override
        public String toString() {
            return String.format("%.2f / %.2f ms", p50, p99);
        }
    }

    /** What one round measured. */
    record Result(int sent, int accepted, int pods, Latencies roundTrip, Latencies toConsumer, Latencies toPod,
            double drainMillis, double workerRate, double bareRate, double workerCpuPerMention, double workerCpuPerFollowup) {
    }

    /** The two parts of one round, run against the same services. */
    private static final class Bench {
        private final Connection nats;
        private final HttpClient http;
        private final URI gateway;
        private final String secret;
        private final Map<String, Long> podRequested;
        private final Map<String, Long> transported;
        private long lastBase = System.currentTimeMillis() / 1000 - 3_600;

        private final Processes processes;

        Bench(Connection nats, HttpClient http, URI gateway, String secret, Map<String, Long> podRequested,
                Map<String, Long> transported, Processes processes) {
            this.processes = processes;
            this.nats = nats;
            this.http = http;
            this.gateway = gateway;
            this.secret = secret;
            this.podRequested = podRequested;
            this.transported = transported;
        }

        Result round(double rate, int seconds, int followups) throws Exception {
            podRequested.clear();
            transported.clear();
            // 1. webhook accepted → pod create request: each mention opens a thread of its own (a new session)
            Map<String, Long> accepted = new ConcurrentHashMap<>();
            Map<String, Long> sent = new ConcurrentHashMap<>();
            List<String> threads = new ArrayList<>();
            List<CompletableFuture<?>> sends = new ArrayList<>();
            int total = (int) (rate * seconds);
            // thread timestamps unique across rounds: each round's seconds part is new
            long base = Math.max(lastBase + 1, System.currentTimeMillis() / 1000 - 3_600);
            lastBase = base;
            long[] cpuStart = processes.ticks();
            long start = System.nanoTime();
            // at most MAX_IN_FLIGHT requests at once (each holds a connection); a mention's round trip counts from
            // when it was due, so time spent waiting for a free slot, when the gateway falls behind, is counted too
            Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
            for (int n = 0; n < total; n++) {
                long due = start + (long) (n * 1e9 / rate);
                pace(due);
                String ts = base + "." + String.format("%06d", n);
                threads.add(ts);
                sent.put(ts, due);
                inFlight.acquireUninterruptibly();
                sends.add(http.sendAsync(signed(gateway, secret, mention(ts)), HttpResponse.BodyHandlers.discarding())
                        .handle((response, failure) -> {
                            inFlight.release();
                            if (failure == null && response.statusCode() == 200) {
                                accepted.put(ts, System.nanoTime());
                            }
                            return null;
                        }));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (podRequested.size() < accepted.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            KeyValue sessions = nats.keyValue("sessions");
            List<Long> toPod = new ArrayList<>();
            List<Long> toConsumer = new ArrayList<>();
            List<Long> roundTrip = new ArrayList<>();
            accepted.forEach((ts, t) -> roundTrip.add(t - sent.get(ts)));
            long lastAccepted = accepted.values().stream().mapToLong(Long::longValue).max().orElse(start);
            long lastPod = lastAccepted;
            for (Map.Entry<String, Long> pod : podRequested.entrySet()) {
                KeyValueEntry entry = sessions.get(pod.getKey());
                Matcher key = entry == null ? null : SESSION_KEY.matcher(entry.getValueAsString());
                if (key != null && key.find() && accepted.containsKey(key.group(1))) {
                    Long t0 = accepted.get(key.group(1));
                    toPod.add(pod.getValue() - t0);
                    lastPod = Math.max(lastPod, pod.getValue());
                    Long t1 = transported.get(key.group(1));
                    if (t1 != null) {
                        toConsumer.add(Math.max(0, t1 - t0));
                    }
                }
            }

            // 2. follow-ups applied per second: thread replies to 50 of this round's sessions, straight to WEBHOOKS
            JetStreamManagement jsm = nats.jetStreamManagement();
            long firstSeq = jsm.getStreamInfo("WEBHOOKS").getStreamState().getLastSequence() + 1;
            long[] cpuMentions = processes.ticks();
            long publishStart = System.nanoTime();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < followups; i++) {
                String thread = threads.get(i % Math.min(threads.size(), 50));
                String ts = thread.substring(0, thread.indexOf('.')) + "." + String.format("%06d", 500_000 + i);
                acks.add(nats.jetStream().publishAsync("webhooks.buck.slack",
                        new io.nats.client.impl.Headers().put("Agent-Services-Session-Key", "buck:slack:C0BENCH:" + thread),
                        envelope(thread, ts, "follow-up " + i),
                        PublishOptions.builder().messageId("bench-followup-" + publishStart + "-" + i).build()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            double workerRate = followups / awaitConsumed(jsm, "session-worker-webhooks", publishStart);
            long[] cpuFollowups = processes.ticks();
            double bareRate = followups / bareConsume(nats, firstSeq, followups);
            return new Result(total, accepted.size(), toPod.size(), Latencies.of(roundTrip), Latencies.of(toConsumer),
                    Latencies.of(toPod), (lastPod - lastAccepted) / 1e6, workerRate, bareRate,
                    processes.workerMillis(cpuStart, cpuMentions) / total, processes.workerMillis(cpuMentions, cpuFollowups) / followups);
        }
    }

    /**
     * The services' processes (BENCH_PIDS: "name=pid ..."), whose CPU time each round reports from /proc,
     * with the benchmark's own JVM last.
     */
    record Processes(List<String> names, List<String> pids) {
        static Processes fromEnvironment() {
            List<String> names = new ArrayList<>();
            List<String> pids = new ArrayList<>();
            for (String pair : System.getenv().getOrDefault("BENCH_PIDS", "").trim().split("\\s+")) {
                if (pair.contains("=")) {
                    names.add(pair.substring(0, pair.indexOf('=')));
                    pids.add(pair.substring(pair.indexOf('=') + 1));
                }
            }
            pids.add("self");
            return new Processes(names, pids);
        }

        /** For each service: the CPU ticks of its JIT compiler threads, and of the whole process. */
        long[][] compilerAndTotalTicks() {
            long[][] ticks = new long[names.size()][2];
            for (int i = 0; i < names.size(); i++) {
                try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", pids.get(i), "task"))) {
                    for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                        String stat = java.nio.file.Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        String thread = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        ticks[i][0] += thread.matches("C[12] CompilerThre.*") ? used : 0;
                        ticks[i][1] += used;
                    }
                } catch (Exception e) {
                    // a thread that ended while being read: its time is not counted
                }
            }
            return ticks;
        }

        /** The largest share of a Java service's CPU its JIT compilers took between two readings. */
        double compilerShare(long[][] before, long[][] after) {
            double share = 0;
            for (int i = 0; i < names.size(); i++) {
                long total = after[i][1] - before[i][1];
                if (!names.get(i).startsWith("nats") && total > 0) {
                    share = Math.max(share, (after[i][0] - before[i][0]) / (double) total);
                }
            }
            return share;
        }

        boolean hasWorker() {
            return names.stream().anyMatch(name -> name.startsWith("worker"));
        }

        /** CPU milliseconds the worker replicas used between two readings. */
        double workerMillis(long[] before, long[] after) {
            long ticks = 0;
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).startsWith("worker")) {
                    ticks += after[i] - before[i];
                }
            }
            return ticks * 10.0;
        }

        String joinedNames() {
            return String.join(", ", names);
        }

        long[] ticks() {
            long[] ticks = new long[pids.size()];
            for (int i = 0; i < ticks.length; i++) {
                try {
                    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pids.get(i), "stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks[i] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                } catch (Exception e) {
                    ticks[i] = -1;
                }
            }
            return ticks;
        }

        /** CPU seconds between two readings, "a, b, c, self", at 100 ticks a second (Linux's USER_HZ). */
        String seconds(long[] before, long[] after) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < before.length; i++) {
                values.add(before[i] < 0 || after[i] < 0 ? "?" : String.format("%.1f", (after[i] - before[i]) / 100.0));
            }
            return String.join(", ", values);
        }
    }

    /**
     * Waits until {@code due} (System.nanoTime) by parking, not spinning: a spinning sender takes a whole core
     * from the services it measures on a 2-core machine.
     */
    private static void pace(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }

    /** Seconds from {@code start} until the worker's consumer has nothing pending or unacknowledged. */
    private static double awaitConsumed(JetStreamManagement jsm, String durable, long start) throws Exception {
        while (true) {
            ConsumerInfo info = jsm.getConsumerInfo("WEBHOOKS", durable);
            if (info.getNumPending() == 0 && info.getNumAckPending() == 0) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(10);
        }
    }

    /** Seconds a bare durable pull consumer takes to fetch and acknowledge {@code count} messages. */
    private static double bareConsume(Connection nats, long firstSeq, int count) throws Exception {
        String durable = "bench-baseline-" + System.nanoTime();
        nats.jetStreamManagement().addOrUpdateConsumer("WEBHOOKS", ConsumerConfiguration.builder().durable(durable)
                .filterSubject("webhooks.buck.slack").deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(firstSeq)
                .ackPolicy(AckPolicy.Explicit).build());
        JetStreamSubscription sub = nats.jetStream().subscribe("webhooks.buck.slack", PullSubscribeOptions.bind("WEBHOOKS", durable));
        long start = System.nanoTime();
        int seen = 0;
        while (seen < count) {
            for (Message message : sub.fetch(32, Duration.ofSeconds(1))) {
                message.ackSync(Duration.ofSeconds(5));
                seen++;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        nats.jetStreamManagement().deleteConsumer("WEBHOOKS", durable);
        return elapsed;
    }

    /**
     * Enough of the Kubernetes API for the worker, answering as the API server does, on a small HTTP/1.1 server
     * of its own (keep-alive, a thread a connection, TCP_NODELAY): created pods and Secrets are kept (with a
     * uid; a second create of one name is a 409) and returned by name, patched (answered with the object as it
     * was) and deleted; lists answer the objects whose labels match the selector's {@code key=value} terms;
     * a watch (a WebSocket, as fabric8 opens it) gets an event for each pod created or deleted after the
     * {@code resourceVersion} it starts from (a list's), from the last 10,000 kept (an older one gets the API
     * server's 410 Expired, and fabric8 lists again). Without that replay an informer misses the pods created
     * between its list and its watch, and the worker's reconciler took their runs for gone.
     * Pods never get a status (nothing runs them), so to the worker they are pending, neither running nor gone.
     * A request without the bearer token {@code BENCH_API_TOKEN} is refused (401). {@link #requests} counts what
     * was asked, by kind.
     */
    static final class StandInKubernetes implements AutoCloseable {
        private static final Pattern NAMED = Pattern.compile("/api/v1/namespaces/[^/]+/(pods|secrets)/([^/?]+)$");
        private static final Pattern COLLECTION = Pattern.compile("/api/v1/namespaces/[^/]+/(pods|secrets)$");
        private static final Pattern METADATA = Pattern.compile("\"metadata\"\\s*:\\s*\\{");
        private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern RESOURCE_VERSION = Pattern.compile("(?:^|&)resourceVersion=([0-9]+)");
        private static final int KEPT_EVENTS = 10_000;

        private record Event(long version, byte[] frame) {
        }

        final Map<String, AtomicLong> requests = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final Map<String, Long> podRequested;
        private final java.util.Set<String> sessionsWithPod = ConcurrentHashMap.newKeySet();
        private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        /** The open watches' queues of events to send. */
        private final List<java.util.concurrent.BlockingQueue<byte[]>> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** The last {@link #KEPT_EVENTS} watch events, oldest first, for a watch that starts from a version. */
        private final java.util.ArrayDeque<Event> recent = new java.util.ArrayDeque<>();
        private final AtomicLong version = new AtomicLong(1);
        private final java.net.ServerSocket server;
        private final String authorization = "Bearer " + System.getenv().getOrDefault("BENCH_API_TOKEN", "");

        StandInKubernetes(int port, Map<String, Long> podRequested) throws java.io.IOException {
            this.podRequested = podRequested;
            this.server = new java.net.ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", port), 512);
            Thread acceptor = new Thread(this::accept, "stand-in-kubernetes");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    java.net.Socket socket = server.accept();
                    socket.setTcpNoDelay(true);
                    Thread connection = new Thread(() -> serve(socket), "stand-in-kubernetes-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }

        private void serve(java.net.Socket socket) {
            try (socket) {
                var in = new java.io.BufferedInputStream(socket.getInputStream());
                var out = new java.io.BufferedOutputStream(socket.getOutputStream());
                for (String requestLine = line(in); requestLine != null && !requestLine.isEmpty(); requestLine = line(in)) {
                    String[] parts = requestLine.split(" ");
                    Map<String, String> headers = new java.util.HashMap<>();
                    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                        int colon = header.indexOf(':');
                        headers.put(header.substring(0, colon).trim().toLowerCase(), header.substring(colon + 1).trim());
                    }
                    byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                    URI uri = URI.create(parts[1]);
                    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
                    if (!authorization.equals(headers.get("authorization"))) {
                        count("unauthorized");
                        byte[] refused = status(401, "Unauthorized").getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " + refused.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(refused);
                        out.flush();
                        continue;
                    }
                    if ("websocket".equalsIgnoreCase(headers.get("upgrade")) && query.contains("watch=true")) {
                        watch(headers.get("sec-websocket-key"), query, in, out);
                        return;
                    }
                    String[] answer = answer(parts[0], uri.getPath(), query, body);
                    byte[] content = answer[1].getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 " + answer[0] + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(content);
                    out.flush();
                }
            } catch (java.io.IOException | RuntimeException e) {
                // the client closed the connection
            }
        }

        /** Status line and body of a plain request. */
        private synchronized String[] answer(String method, String path, String query, byte[] body) {
            Matcher object = NAMED.matcher(path);
            Matcher all = COLLECTION.matcher(path);
            if ("POST".equals(method) && all.matches()) {
                long created = version.incrementAndGet();
                String json = METADATA.matcher(new String(body, StandardCharsets.UTF_8)).replaceFirst("\"metadata\":{\"uid\":\""
                        + java.util.UUID.randomUUID() + "\",\"resourceVersion\":\"" + created + "\",");
                Matcher name = NAME.matcher(json);
                if (name.find() && objects.putIfAbsent(all.group(1) + "/" + name.group(1), json.getBytes(StandardCharsets.UTF_8)) != null) {
                    count("conflict " + all.group(1));
                    return new String[] {"409 Conflict", status(409, "AlreadyExists")};
                }
                count("create " + all.group(1));
                if (all.group(1).equals("pods")) {
                    event("ADDED", json, created);
                    Matcher session = SESSION_LABEL.matcher(json);
                    if (session.find()) {
                        podRequested.putIfAbsent(session.group(1), System.nanoTime());
                        if (!sessionsWithPod.add(session.group(1))) {
                            count("another pod of a session");
                        }
                    }
                }
                return new String[] {"201 Created", json};
            }
            if (object.matches()) {
                count(method.toLowerCase() + " " + object.group(1));
                String key = object.group(1) + "/" + object.group(2);
                byte[] found = "DELETE".equals(method) ? objects.remove(key) : objects.get(key);
                if (found == null) {
                    return new String[] {"404 Not Found", status(404, "NotFound")};
                }
                if ("DELETE".equals(method) && object.group(1).equals("pods")) {
                    event("DELETED", new String(found, StandardCharsets.UTF_8), version.incrementAndGet());
                }
                return new String[] {"200 OK", new String(found, StandardCharsets.UTF_8)}; // a patch answers the object as it was
            }
            if ("GET".equals(method) && all.matches() && !query.contains("watch=true")) {
                count("list " + all.group(1));
                List<String> terms = new ArrayList<>();
                for (String parameter : query.split("&")) {
                    if (parameter.startsWith("labelSelector=")) {
                        for (String term : java.net.URLDecoder.decode(parameter.substring(14), StandardCharsets.UTF_8).split(",")) {
                            String[] pair = term.split("=", 2);
                            terms.add("\"" + pair[0] + "\":\"" + (pair.length > 1 ? pair[1] : "") + "\"");
                        }
                    }
                }
                StringBuilder items = new StringBuilder();
                objects.forEach((key, json) -> {
                    String text = new String(json, StandardCharsets.UTF_8);
                    if (key.startsWith(all.group(1) + "/") && terms.stream().allMatch(text::contains)) {
                        items.append(items.length() == 0 ? "" : ",").append(text);
                    }
                });
                return new String[] {"200 OK", "{\"kind\":\"" + (all.group(1).equals("pods") ? "PodList" : "SecretList")
                        + "\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + version.incrementAndGet()
                        + "\"},\"items\":[" + items + "]}"};
            }
            count("other");
            return new String[] {"404 Not Found", status(404, "NotFound")};
        }

        /** Completes the WebSocket handshake, then keeps the watch open until the client closes it. */
        private void watch(String key, String query, java.io.InputStream in, java.io.OutputStream out) throws java.io.IOException {
            count("watch pods");
            String accept;
            try {
                accept = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the watch's events go through a queue that a thread of its own writes out, so that no socket write
            // happens while a create holds the lock
            java.util.concurrent.BlockingQueue<byte[]> queue = new java.util.concurrent.LinkedBlockingQueue<>();
            synchronized (this) { // no create or delete between the events replayed and the watch's start
                Matcher since = RESOURCE_VERSION.matcher(query);
                long from = since.find() ? Long.parseLong(since.group(1)) : version.get();
                if (!recent.isEmpty() && from < recent.peekFirst().version() - 1) {
                    // older than what is kept: the API server's answer, after which the client lists again
                    out.write(frame(("{\"type\":\"ERROR\",\"object\":" + status(410, "Expired") + "}").getBytes(StandardCharsets.UTF_8)));
                    out.flush();
                    return;
                }
                for (Event event : recent) {
                    if (event.version() > from) {
                        queue.add(event.frame());
                    }
                }
                watches.add(queue);
            }
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        out.write(queue.take());
                        if (queue.isEmpty()) {
                            out.flush();
                        }
                    }
                } catch (InterruptedException | java.io.IOException e) {
                    // the watch ended
                }
            }, "stand-in-kubernetes-watch");
            writer.setDaemon(true);
            writer.start();
            try {
                while (in.read() >= 0) {
                    // the client's frames (pings, its close) need no answer here
                }
            } finally {
                watches.remove(queue);
                writer.interrupt();
            }
        }

        /**
         * Sends a watch event to every open watch and keeps it for watches that start from an earlier version:
         * one text frame of JSON, as the API server sends them.
         */
        private void event(String type, String object, long eventVersion) {
            byte[] frame = frame(("{\"type\":\"" + type + "\",\"object\":" + object + "}").getBytes(StandardCharsets.UTF_8));
            recent.addLast(new Event(eventVersion, frame));
            if (recent.size() > KEPT_EVENTS) {
                recent.removeFirst();
            }
            for (java.util.concurrent.BlockingQueue<byte[]> watch : watches) {
                watch.add(frame);
            }
        }

        /** One final, unmasked WebSocket text frame. */
        private static byte[] frame(byte[] payload) {
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(payload.length + 10);
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(payload.length);
            } else if (payload.length < 65_536) {
                frame.write(126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xff);
            } else {
                frame.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) ((long) payload.length >> shift) & 0xff);
                }
            }
            frame.writeBytes(payload);
            return frame.toByteArray();
        }

        private void count(String kind) {
            requests.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        private static String status(int code, String reason) {
            return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason + "\",\"code\":"
                    + code + "}";
        }

        /** One CRLF-terminated line of ASCII, without its end; null at the end of the stream. */
        private static String line(java.io.InputStream in) throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    int end = line.length();
                    return line.substring(0, end > 0 && line.charAt(end - 1) == '\r' ? end - 1 : end);
                }
                line.append((char) c);
            }
            return line.length() == 0 ? null : line.toString();
        }
    }

    private static String mention(String ts) {
        return "{\"type\":\"event_callback\",\"api_app_id\":\"A0BENCH\",\"event_id\":\"EvB" + ts.replace(".", "") + System.nanoTime()
                + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> bench\",\"ts\":\"" + ts
                + "\",\"channel\":\"C0BENCH\"}}";
    }

    /** A thread reply as the gateway stores it: envelope version 2 with the classified event. */
    private static byte[] envelope(String thread, String ts, String text) {
        return ("{\"v\":2,\"agent\":\"buck\",\"source\":\"slack\",\"dedupId\":\"buck:slack:F" + ts + "\","
                + "\"sessionKey\":\"buck:slack:C0BENCH:" + thread + "\",\"eventType\":\"message\",\"receivedAt\":\"" + Instant.now()
                + "\",\"headers\":{},\"event\":{\"opensSession\":false,\"origin\":{\"slackChannel\":\"C0BENCH\",\"slackThreadTs\":\""
                + thread + "\"},\"message\":{\"author\":\"U0ANA\",\"text\":\"" + text + "\",\"ref\":\"" + ts + "\"},"
                + "\"applyId\":\"slack:buck:C0BENCH:" + ts + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpRequest signed(URI uri, String secret, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
            return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .header("X-Slack-Request-Timestamp", Long.toString(timestamp)).header("X-Slack-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

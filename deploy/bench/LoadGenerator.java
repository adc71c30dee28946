import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Drives signed Slack events at the gateway and the same requests at a bare endpoint on the same
 * server, and prints throughput and latency of both with their ratio.
 *
 * <p>Usage: {@code java LoadGenerator.java BASELINE_URL GATEWAY_URL SECRET SECONDS CONNECTIONS}
 *
 * <ol>
 *   <li>warm-up of both;</li>
 *   <li>maximum rate: CONNECTIONS requests in flight for SECONDS, baseline and gateway alternately, twice;</li>
 *   <li>latency: an open-loop fixed rate of half the gateway's maximum, SECONDS per run, in the order
 *       baseline, gateway, gateway, baseline after 3 s at that rate against each to open the
 *       connections; latency is measured from the intended send time so that a stall is not hidden.</li>
 * </ol>
 * Every request carries a fresh event_id and timestamp, so the gateway stores each one.
 */
public class LoadGenerator {

    private static final AtomicLong EVENTS = new AtomicLong();
    private static final ThreadLocal<Mac> MAC = new ThreadLocal<>();
    private static String secret;

    public static void main(String[] args) throws Exception {
        URI baseline = URI.create(args[0]);
        URI gateway = URI.create(args[1]);
        secret = args[2];
        Duration duration = Duration.ofSeconds(Long.parseLong(args[3]));
        int connections = Integer.parseInt(args[4]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();

        System.err.println("warm-up...");
        closedLoop(client, baseline, connections, Duration.ofSeconds(5));
        closedLoop(client, gateway, connections, Duration.ofSeconds(5));

        double baselineMax = 0;
        double gatewayMax = 0;
        for (int round = 1; round <= 2; round++) {
            System.err.printf("maximum rate, round %d...%n", round);
            baselineMax = Math.max(baselineMax, closedLoop(client, baseline, connections, duration).rate());
            gatewayMax = Math.max(gatewayMax, closedLoop(client, gateway, connections, duration).rate());
        }

        double rate = Math.floor(gatewayMax / 2);
        System.err.printf("latency at %.0f requests/s...%n", rate);
        openLoop(client, baseline, rate, Duration.ofSeconds(3));
        openLoop(client, gateway, rate, Duration.ofSeconds(3));
        // baseline, gateway, gateway, baseline: drift during the run weighs on both alike
        Result baselineLatency = openLoop(client, baseline, rate, duration);
        Result gatewayLatency = openLoop(client, gateway, rate, duration).merge(openLoop(client, gateway, rate, duration));
        baselineLatency = baselineLatency.merge(openLoop(client, baseline, rate, duration));

        System.out.println("| endpoint | max requests/s | p50 at half rate | p99 at half rate | errors |");
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf("| bare endpoint (baseline) | %.0f | %.2f ms | %.2f ms | %d |%n", baselineMax,
                baselineLatency.percentile(50), baselineLatency.percentile(99), baselineLatency.errors());
        System.out.printf("| POST /webhooks/slack/events | %.0f | %.2f ms | %.2f ms | %d |%n", gatewayMax,
                gatewayLatency.percentile(50), gatewayLatency.percentile(99), gatewayLatency.errors());
        System.out.printf("%nthroughput ratio gateway/baseline: %.2f; half rate: %.0f requests/s; %d connections; %d s per run%n",
                gatewayMax / baselineMax, rate, connections, duration.toSeconds());
        System.exit(0);
    }

    record Result(long completed, long errors, Duration elapsed, long[] latenciesMicros) {
        Result merge(Result other) {
            long[] all = Arrays.copyOf(latenciesMicros, latenciesMicros.length + other.latenciesMicros.length);
            System.arraycopy(other.latenciesMicros, 0, all, latenciesMicros.length, other.latenciesMicros.length);
            Arrays.sort(all);
            return new Result(completed + other.completed, errors + other.errors, elapsed.plus(other.elapsed), all);
        }

        double rate() {
            return completed * 1e9 / elapsed.toNanos();
        }

        double percentile(double p) {
            if (latenciesMicros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * latenciesMicros.length) - 1;
            return latenciesMicros[Math.max(0, Math.min(index, latenciesMicros.length - 1))] / 1000.0;
        }
    }

    /** CONNECTIONS requests always in flight; each completion sends the next. */
    static Result closedLoop(HttpClient client, URI uri, int connections, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops.add(done);
            next(client, uri, end, completed, errors, latencies, done);
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
        return result(completed.get(), errors.get(), Duration.ofNanos(System.nanoTime() - start), latencies);
    }

    private static void next(HttpClient client, URI uri, long end, AtomicLong completed, AtomicLong errors,
            ConcurrentLinkedQueue<Long> latencies, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        long sent = System.nanoTime();
        client.sendAsync(request(uri), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200) {
                completed.incrementAndGet();
                latencies.add((System.nanoTime() - sent) / 1000);
            } else {
                errors.incrementAndGet();
            }
            next(client, uri, end, completed, errors, latencies, done);
        });
    }

    /** Sends at a fixed rate whatever the server does; latency counts from when a request was due. */
    static Result openLoop(HttpClient client, URI uri, double rate, Duration duration) throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long total = (long) (rate * duration.toSeconds());
        AtomicLong scheduled = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long due = Math.min(total, (long) ((now - start) / 1e9 * rate));
            while (scheduled.get() < due) {
                long n = scheduled.getAndIncrement();
                long intended = start + (long) (n * 1e9 / rate);
                inFlight.add(client.sendAsync(request(uri), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            if (failure == null && response.statusCode() == 200) {
                                completed.incrementAndGet();
                                latencies.add((System.nanoTime() - intended) / 1000);
                            } else {
                                errors.incrementAndGet();
                            }
                        }));
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        while (scheduled.get() < total) {
            Thread.sleep(50);
        }
        ticker.shutdown();
        for (CompletableFuture<?> f : inFlight) {
            f.handle((r, e) -> null).get();
        }
        Result result = result(completed.get(), errors.get(), Duration.ofNanos(System.nanoTime() - start), latencies);
        System.err.printf("  %s at %.0f/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", uri.getPath(), rate,
                duration.toSeconds(), result.percentile(50), result.percentile(99), result.percentile(100));
        return result;
    }

    private static Result result(long completed, long errors, Duration elapsed, ConcurrentLinkedQueue<Long> latencies) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(completed, errors, elapsed, sorted);
    }

    private static HttpRequest request(URI uri) {
        long timestamp = System.currentTimeMillis() / 1000;
        String body = "{\"type\":\"event_callback\",\"team_id\":\"T0BENCH\",\"api_app_id\":\"A0BENCH\",\"event_id\":\"EvBENCH"
                + System.nanoTime() + "x" + EVENTS.incrementAndGet() + "\",\"event_time\":" + timestamp
                + ",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please fix the flaky test\","
                + "\"ts\":\"1712345678.000100\",\"channel\":\"C0BENCH\",\"event_ts\":\"1712345678.000100\"}}";
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", "v0=" + hmac("v0:" + timestamp + ":" + body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String hmac(String data) {
        try {
            Mac mac = MAC.get();
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                MAC.set(mac);
            }
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

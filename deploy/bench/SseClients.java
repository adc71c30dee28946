import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIENTS SSE clients on one session's event stream, in a process of their own (so that they do not share a
 * JVM with what changes the session): prints {@code READY <connected> <failed>} once all are connected, then
 * records, for every event carrying a stamp {@code t=<epoch micros>}, the time from the stamp to its arrival;
 * on a line {@code next} on standard input it prints {@code RESULT <p50 ms> <p99 ms> <max ms> <events>} for the
 * events since the last result (a run: the clients stay connected and warm from one run to the next), on a
 * line {@code stop} it prints the last result and exits.
 * Usage: {@code java SseClients.java DASHBOARD_URL TOKEN SESSION_ID CLIENTS}
 */
public class SseClients {

    private static final Pattern STAMP = Pattern.compile("t=(\\d+)");

    public static void main(String[] args) throws Exception {
        String url = args[0] + "/api/sessions/" + args[2] + "/events";
        String token = args[1];
        int clients = Integer.parseInt(args[3]);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch connected = new CountDownLatch(clients);
        AtomicInteger failed = new AtomicInteger();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        for (int c = 0; c < clients; c++) {
            http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
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
                                // the session as it is when the client connects: not a change
                                first[0] = false;
                                connected.countDown();
                                return;
                            }
                            Matcher m = STAMP.matcher(line);
                            if (m.find()) {
                                latencies.add(nowMicros() - Long.parseLong(m.group(1)));
                            }
                        });
                    }).exceptionally(e -> {
                        failed.incrementAndGet();
                        connected.countDown();
                        return null;
                    });
        }
        connected.await(60, TimeUnit.SECONDS);
        System.out.printf("READY %d %d%n", clients - connected.getCount() - failed.get(), failed.get());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.equals("next") && !line.equals("stop")) {
                continue;
            }
            long[] sorted;
            synchronized (latencies) {
                sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                latencies.clear();
            }
            System.out.printf("RESULT %.2f %.2f %.2f %d%n", percentile(sorted, 50), percentile(sorted, 99),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0, sorted.length);
            System.out.flush();
            if (line.equals("stop")) {
                break;
            }
        }
        System.exit(0);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1000.0;
    }
}

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How long a session takes to start working: a signed {@code @bucky} comment → the real Claude Code CLI's first
 * model request, in local mode with the run cloning a small repository, against a baseline of the same CLI
 * started directly (its own start-up to its first request) in the same command. Serves the streaming Messages
 * API stand-in (each answer a short text, so each turn ends at once) and the GitHub REST stand-in the worker
 * reads the issue from and posts the reply to.
 *
 *   java StartBench.java PORT_FILE GATEWAY_URL WEBHOOK_SECRET SESSIONS CLAUDE WORK_DIR GO_FILE
 *
 * Writes its port to PORT_FILE, waits for GO_FILE (every service ready), runs the baseline and the sessions one
 * after another, and prints Markdown: the whole start, and its two parts (until the worker reads the issue,
 * which it does just before it launches the run; from there to the CLI's first request).
 */
public class StartBench {

    private static final Pattern MARK = Pattern.compile("(bench|baseline)-([0-9]+)-mark");
    private static final Map<String, Long> firstRequest = new ConcurrentHashMap<>();
    private static final Map<Long, CountDownLatch> replied = new ConcurrentHashMap<>();
    private static final Map<Long, Long> issueRead = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        String gateway = args[1];
        String secret = args[2];
        int sessions = Integer.parseInt(args[3]);
        String claude = args[4];
        Path work = Path.of(args[5]);
        Path go = Path.of(args[6]);

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/messages", StartBench::messages);
        server.createContext("/repos/", StartBench::github);
        server.start();
        int port = server.getAddress().getPort();
        Files.writeString(portFile, Integer.toString(port));
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 1800 && !Files.exists(go); i++) {
            Thread.sleep(100);
        }
        if (!Files.exists(go)) {
            throw new IllegalStateException("the services did not become ready");
        }

        List<Double> baseline = new ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            Path dir = Files.createDirectories(work.resolve("baseline-" + i));
            // as the runner seeds a run's home: no first-run dialogs, the folder trusted
            Files.writeString(dir.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\","
                    + "\"projects\":{\"" + dir + "\":{\"hasTrustDialogAccepted\":true,\"hasCompletedProjectOnboarding\":true}}}");
            ProcessBuilder cli = new ProcessBuilder(claude, "-p", "--output-format", "stream-json", "--verbose",
                    "--permission-mode", "bypassPermissions", "--", "baseline-" + i + "-mark").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                    // as the runner starts it: an open standard input makes the CLI wait for it (about 3 s)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = cli.environment();
            env.clear();
            env.put("PATH", System.getenv("PATH"));
            env.put("HOME", dir.toString());
            env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port);
            env.put("ANTHROPIC_API_KEY", "sk-ant-start-bench");
            env.put("DISABLE_AUTOUPDATER", "1");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            env.put("IS_SANDBOX", "1");
            long started = System.nanoTime();
            Process process = cli.start();
            process.waitFor(60, TimeUnit.SECONDS);
            Long first = firstRequest.get("baseline-" + i);
            if (first == null) {
                throw new IllegalStateException("the CLI started directly made no request; see " + dir.resolve("out.txt"));
            }
            baseline.add((first - started) / 1e6);
        }

        List<Double> start = new ArrayList<>();
        List<Double> toLaunch = new ArrayList<>();
        List<Double> toRequest = new ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            long issue = 100 + i;
            replied.put(issue, new CountDownLatch(1));
            long sent = System.nanoTime();
            int status = send(http, gateway, secret, issue, "@bucky please look at this: bench-" + i + "-mark");
            if (status != 200) {
                throw new IllegalStateException("the gateway answered " + status);
            }
            if (!replied.get(issue).await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("session " + i + " got no reply within 120 s");
            }
            Long first = firstRequest.get("bench-" + i);
            if (first == null) {
                throw new IllegalStateException("session " + i + " replied without asking the model");
            }
            start.add((first - sent) / 1e6);
            Long read = issueRead.get(issue);
            toLaunch.add((read - sent) / 1e6);
            toRequest.add((first - read) / 1e6);
        }
        server.stop(0);

        System.out.printf("| measure | n | p50 ms | p99 ms | max ms |%n|---|---|---|---|---|%n");
        row("mention → the CLI's first model request (clone included)", start);
        row("… mention → the worker reads the issue (gateway, NATS, worker; the launch follows)", toLaunch);
        row("… the issue read → the CLI's first request (tmux, runner, context, clone, CLI)", toRequest);
        row("baseline: the CLI started directly → its first request", baseline);
        System.out.printf("%nratio of the p50s (mention / baseline): %.2f%n", percentile(start, 50) / percentile(baseline, 50));
        System.exit(0);
    }

    private static void row(String name, List<Double> values) {
        System.out.printf("| %s | %d | %.0f | %.0f | %.0f |%n", name, values.size(), percentile(values, 50), percentile(values, 99),
                Collections.max(values));
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static int send(HttpClient http, String gateway, String secret, long issue, String text) throws Exception {
        String body = "{\"action\":\"created\",\"issue\":{\"number\":" + issue + ",\"title\":\"Bench\"},\"comment\":{\"id\":"
                + (9000 + issue) + ",\"body\":\"" + text + "\",\"user\":{\"login\":\"ana\",\"type\":\"User\"},"
                + "\"author_association\":\"MEMBER\"},\"repository\":{\"full_name\":\"acme/api\",\"owner\":{\"login\":\"acme\"}}}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return http.send(HttpRequest.newBuilder(URI.create(gateway + "/webhooks/github")).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "issue_comment").header("X-GitHub-Delivery", "bench-" + issue)
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The Messages API: notes when each marked conversation first asked, and answers every request with a short text. */
    private static void messages(HttpExchange exchange) throws IOException {
        try (exchange) {
            long now = System.nanoTime();
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher mark = MARK.matcher(request);
            if (request.contains("\"tools\"") && mark.find()) {
                firstRequest.putIfAbsent(mark.group(1) + "-" + mark.group(2), now);
            }
            boolean stream = request.contains("\"stream\":true");
            String usage = "{\"input_tokens\":100,\"output_tokens\":5}";
            if (!stream) {
                respond(exchange, 200, "application/json", "{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"model\":\"claude-bench\",\"content\":[{\"type\":\"text\",\"text\":\"Done.\"}],\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null,\"usage\":" + usage + "}");
                return;
            }
            respond(exchange, 200, "text/event-stream", event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\",\"content\":[],\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":" + usage + "}}")
                    + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                    + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Done.\"}}")
                    + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                    + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                            + "\"usage\":{\"output_tokens\":5}}")
                    + event("message_stop", "{\"type\":\"message_stop\"}"));
        }
    }

    /** GitHub REST as the worker uses it: the issue, its comments, the repository, reactions, and the reply that ends a session. */
    private static void github(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            boolean post = "POST".equals(exchange.getRequestMethod());
            Matcher issue = Pattern.compile("/repos/acme/api/issues/([0-9]+)(/comments)?").matcher(path);
            if (issue.matches() && post) {
                CountDownLatch latch = replied.get(Long.parseLong(issue.group(1)));
                if (latch != null) {
                    latch.countDown();
                }
                respond(exchange, 201, "application/json", "{\"id\":1}");
            } else if (issue.matches() && issue.group(2) != null) {
                respond(exchange, 200, "application/json", "[]");
            } else if (issue.matches()) {
                issueRead.putIfAbsent(Long.parseLong(issue.group(1)), System.nanoTime());
                respond(exchange, 200, "application/json", "{\"number\":" + issue.group(1) + ",\"title\":\"Bench\",\"body\":\"A small task.\","
                        + "\"user\":{\"login\":\"ana\"},\"author_association\":\"MEMBER\"}");
            } else if (path.equals("/repos/acme/api")) {
                respond(exchange, 200, "application/json", "{\"full_name\":\"acme/api\",\"default_branch\":\"main\"}");
            } else if (path.endsWith("/pulls") && !post) {
                respond(exchange, 200, "application/json", "[]");
            } else {
                respond(exchange, post ? 201 : 200, "application/json", "{}");
            }
        }
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

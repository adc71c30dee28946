package dev.agentservices.worker;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The services as production runs them, for the end-to-end tests: processes of their packaged jars. */
public final class PackagedServices {

    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PackagedServices() {
    }

    /**
     * Starts {@code module}'s packaged jar with the {@code e2e} profile from the project's root, with
     * {@code environment} added to this process's, logging to {@code target/<logPrefix>-<module>.log}.
     */
    public static Process start(String module, String logPrefix, Map<String, String> environment) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build the whole project (mvn verify) first");
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-Dquarkus.profile=e2e", "-jar", jar.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", logPrefix + "-" + module + ".log").toFile()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Whether the service on {@code port} answers its readiness check. */
    public static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** A Slack event to the gateway on {@code port}, signed with {@code secret} as Slack signs (v0, now). */
    public static HttpRequest.Builder signedSlackEvent(int port, String secret, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = "v0=" + java.util.HexFormat.of().formatHex(
                    mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/slack/events"))
                    .header("Content-Type", "application/json")
                    .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                    .header("X-Slack-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the services (SIGTERM, waiting for each) and the tmux server their runs used. */
    public static void stopAll(java.util.List<Process> services, String tmuxSocket) throws IOException, InterruptedException {
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
        new ProcessBuilder("tmux", "-L", tmuxSocket, "kill-server").start().waitFor();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

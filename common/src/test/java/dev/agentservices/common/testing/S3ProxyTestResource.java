package dev.agentservices.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * s3proxy (an S3-compatible server on the local disk) as its own process, for tests of code that talks
 * to S3. The jar comes from the {@code s3proxy.jar} system property, which the module's build fills.
 */
public class S3ProxyTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "agent-services-test";
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private static String endpoint;
    private Process process;

    public static String endpoint() {
        return endpoint;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("s3proxy-test-");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            endpoint = "http://127.0.0.1:" + port;
            Path properties = dir.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + Files.createDirectories(dir.resolve("data"))));
            String jar = System.getProperty("s3proxy.jar");
            if (jar == null || !Files.exists(Path.of(jar))) {
                throw new IllegalStateException("s3proxy.jar is not set or missing: " + jar);
            }
            process = new ProcessBuilder(List.of("java", "-jar", jar, "--properties", properties.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
            awaitPort(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.ofEntries(
                Map.entry("quarkus.s3.endpoint-override", endpoint),
                Map.entry("quarkus.s3.path-style-access", "true"),
                Map.entry("quarkus.s3.aws.region", "us-east-1"),
                Map.entry("quarkus.s3.aws.credentials.type", "static"),
                Map.entry("quarkus.s3.aws.credentials.static-provider.access-key-id", ACCESS_KEY),
                Map.entry("quarkus.s3.aws.credentials.static-provider.secret-access-key", SECRET_KEY),
                Map.entry("upload.bucket", BUCKET),
                Map.entry("upload.create-bucket", "true"),
                Map.entry("attachments.bucket", BUCKET),
                Map.entry("attachments.create-bucket", "true"));
    }

    private void awaitPort(int port) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("s3proxy exited with " + process.exitValue());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("s3proxy did not open port " + port);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
        }
    }
}

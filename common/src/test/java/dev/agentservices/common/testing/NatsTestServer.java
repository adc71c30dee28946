package dev.agentservices.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code nats-server -js} for tests, on a free loopback port with a temporary store. It can be
 * stopped and started again on the same port and store, to test what happens while NATS is down.
 * {@code NATS_URL}, when set, makes {@link #shared()} use that server instead of starting one.
 */
public final class NatsTestServer implements AutoCloseable {

    private static NatsTestServer shared;

    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final Path config;
    private final java.util.Map<String, String> environment;
    private final List<String> arguments;
    private Process process;

    private NatsTestServer(int port, Path storeDir, Path config, java.util.Map<String, String> environment, List<String> arguments) {
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = storeDir.resolve("nats-server.log");
        this.config = config;
        this.environment = environment;
        this.arguments = arguments;
    }

    /** Starts a new server on a free port with further command-line options (e.g. {@code --auth}, {@code --tlsverify}). */
    public static NatsTestServer startWith(List<String> arguments) {
        try {
            NatsTestServer server = new NatsTestServer(freePort(), Files.createTempDirectory("nats-test-"), null, java.util.Map.of(),
                    arguments);
            server.resume();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Starts a new server on a free port. */
    public static NatsTestServer start() {
        return start(null, java.util.Map.of());
    }

    /**
     * Starts a new server on a free port with a configuration file (e.g. deploy/nats/nats-server.conf) and
     * the environment it reads (passwords); port, address and store still come from here.
     */
    public static NatsTestServer start(Path config, java.util.Map<String, String> environment) {
        try {
            NatsTestServer server = new NatsTestServer(freePort(), Files.createTempDirectory("nats-test-"), config, environment, List.of());
            server.resume();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the server wrote, e.g. its permission violations. */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "";
        }
    }

    /** One server for the whole test JVM, stopped when the JVM exits. */
    public static synchronized NatsTestServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** The server a test should use: {@code NATS_URL} when set, else the shared local one. */
    public static String url() {
        String fromEnvironment = System.getenv("NATS_URL");
        return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : shared().localUrl();
    }

    /** Whether tests run against a server of their own, which they may stop and start. */
    public static boolean controllable() {
        String fromEnvironment = System.getenv("NATS_URL");
        return fromEnvironment == null || fromEnvironment.isBlank();
    }

    public String localUrl() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the process (again), on the same port and store. */
    public synchronized void resume() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of(executable(), "-a", "127.0.0.1", "-p", String.valueOf(port),
                    "-js", "-sd", storeDir.toString()));
            if (config != null) {
                command.addAll(List.of("-c", config.toString()));
            }
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start nats-server; install it (apt-get install nats-server)"
                    + " or set NATS_URL", e);
        }
        awaitPort(true);
    }

    /** Stops the process and waits until the port is closed. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        awaitPort(false);
    }

    /** Freezes the process (SIGSTOP): connections stay open but nothing is answered. */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a frozen process run again (SIGCONT). */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null) {
            throw new IllegalStateException("nats-server is not running");
        }
        try {
            int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " failed with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(storeDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    private void awaitPort(boolean open) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (isOpen() == open) {
                return;
            }
            if (open && process != null && !process.isAlive()) {
                throw new IllegalStateException("nats-server exited; see " + logFile);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("nats-server port " + port + " did not " + (open ? "open" : "close") + "; see " + logFile);
    }

    private boolean isOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String executable() {
        String configured = System.getenv("NATS_SERVER_BIN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "nats-server";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

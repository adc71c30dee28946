package dev.agentservices.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests: a private server (initdb and pg_ctl from Debian's {@code postgresql} package) on a free
 * loopback port with its data in a temporary folder, shared by the test JVM; or, when {@code TEST_PGHOST} is set (with
 * {@code TEST_PGPORT}, {@code TEST_PGUSER}, {@code TEST_PGPASSWORD}; deploy/test.sh starts one), that server. Each caller of {@link #newDatabase()} gets a database of its own. As root, the server runs as the
 * {@code postgres} user (PostgreSQL refuses to run as root).
 */
public final class PgTestServer {

    private static PgTestServer shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path binDir;

    private PgTestServer(String host, int port, String user, String password, Path binDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.binDir = binDir;
    }

    /** The server of this test JVM: {@code TEST_PGHOST}'s, or a private one started now. */
    public static synchronized PgTestServer shared() {
        if (shared == null) {
            String host = System.getenv("TEST_PGHOST");
            shared = host != null && !host.isBlank()
                    ? new PgTestServer(host, Integer.parseInt(Optional.ofNullable(System.getenv("TEST_PGPORT")).orElse("5432")),
                            Optional.ofNullable(System.getenv("TEST_PGUSER")).orElse("postgres"), System.getenv("TEST_PGPASSWORD"),
                            binDir())
                    : startPrivate();
        }
        return shared;
    }

    /** A new empty database on the shared server, as the {@code history.*} settings of a service under test. */
    public static Map<String, String> newDatabase() {
        PgTestServer server = shared();
        String name = "test_" + UUID.randomUUID().toString().replace("-", "");
        server.psql("postgres", "CREATE DATABASE " + name);
        java.util.HashMap<String, String> settings = new java.util.HashMap<>(Map.of("history.host", server.host,
                "history.port", Integer.toString(server.port), "history.database", name, "history.user", server.user,
                "history.ssl-mode", "disable"));
        if (server.password != null) {
            settings.put("history.password", server.password);
        }
        return settings;
    }

    /** Runs SQL through psql on {@code database}; returns its unaligned output. */
    public String psql(String database, String sql) {
        List<String> command = List.of(binDir.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", host, "-p", Integer.toString(port), "-U", user, "-d", database, "-c", sql);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        return run(builder, "psql " + sql);
    }

    private static PgTestServer startPrivate() {
        Path bin = binDir();
        try {
            Path dir = Files.createTempDirectory("pg-test-");
            Path data = dir.resolve("data");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(new ProcessBuilder("chown", "postgres", dir.toString()), "chown");
            }
            int port = freePort();
            run(asServerUser(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync"), "initdb");
            run(asServerUser(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                    "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
                            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start"), "pg_ctl start");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    asServerUser(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop").start().waitFor();
                } catch (IOException | InterruptedException ignored) {
                    // the JVM is going: a server left running dies with its temporary folder's removal
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
                } catch (IOException ignored) {
                    // a temporary folder left behind is harmless
                }
            }));
            return new PgTestServer("127.0.0.1", port, "postgres", null, bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProcessBuilder asServerUser(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return new ProcessBuilder(full).redirectErrorStream(true).directory(new java.io.File("/tmp"));
    }

    private static String run(ProcessBuilder builder, String what) {
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(what + " failed: " + output);
            }
            return output.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(what + " could not run; install PostgreSQL (apt-get install postgresql) or set TEST_PGHOST", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    /** {@code PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin} (Debian's), else the PATH's. */
    private static Path binDir() {
        String configured = System.getenv("PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            Optional<Path> newest = versions.filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString().replaceAll("\\D", "0"))));
            if (newest.isPresent()) {
                return newest.get().resolve("bin");
            }
        } catch (IOException ignored) {
            // not Debian's layout: the PATH's
        }
        return Path.of("/usr/bin");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package dev.agentservices.common.nats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The other ways to NATS through {@link NatsConnection}: a token, and TLS with a client certificate that
 * the server verifies (certificates made here with openssl). Settings that contradict each other stop the
 * service with a message naming them.
 */
@Tag("component")
class NatsTokenAndTlsTest {

    @Test
    void aServerThatWantsATokenTakesNatsToken() throws Exception {
        String token = "token-" + java.util.UUID.randomUUID();
        try (NatsTestServer server = NatsTestServer.startWith(List.of("--auth", token))) {
            NatsConnection connection = connect(Map.of("nats.url", server.localUrl(), "nats.token", token));
            await().atMost(Duration.ofSeconds(10)).until(connection::isReady);
            connection.connection().close();
        }
    }

    @Test
    void tlsWithAClientCertificateTheServerVerifies() throws Exception {
        Path dir = Files.createTempDirectory("nats-tls-");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out", "ca.pem");
        for (String name : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr");
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-extfile", name + ".ext", "-out", name + ".pem");
        }
        // the client key in PKCS #8, as NATS_TLS_KEY takes it
        openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "client.key", "-out", "client.pk8.pem");
        try (NatsTestServer server = NatsTestServer.startWith(List.of("--tlsverify", "--tlscert", dir.resolve("server.pem").toString(),
                "--tlskey", dir.resolve("server.key").toString(), "--tlscacert", dir.resolve("ca.pem").toString()))) {
            String url = "tls://127.0.0.1:" + server.port();
            NatsConnection connection = connect(Map.of("nats.url", url, "nats.tls.ca", dir.resolve("ca.pem").toString(),
                    "nats.tls.cert", dir.resolve("client.pem").toString(), "nats.tls.key", dir.resolve("client.pk8.pem").toString()));
            await().atMost(Duration.ofSeconds(10)).until(connection::isReady);
            connection.connection().close();

            // without a client certificate the server refuses the connection
            NatsConfig caOnly = TestConfig.build(Map.of("nats.url", url, "nats.tls.ca", dir.resolve("ca.pem").toString()),
                    NatsConfig.class).getConfigMapping(NatsConfig.class);
            assertThrows(Exception.class, () -> io.nats.client.Nats.connect(io.nats.client.Options.builder().server(url)
                    .sslContext(NatsCredentials.sslContext(caOnly.tls())).maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(3)).build()));
        }
        // a key that is not PKCS #8 is named in the error
        IllegalStateException notPkcs8 = assertThrows(IllegalStateException.class, () -> connect(Map.of("nats.url", "tls://127.0.0.1:1",
                "nats.tls.cert", dir.resolve("client.pem").toString(), "nats.tls.key", dir.resolve("ca.pem").toString())));
        assertEquals(true, notPkcs8.getMessage().contains("PKCS #8"), notPkcs8.getMessage());
    }

    @Test
    void contradictorySettingsAreRefused() {
        assertThrows(IllegalStateException.class, () -> connect(Map.of("nats.url", "nats://127.0.0.1:1", "nats.user", "a",
                "nats.token", "t")));
        assertThrows(IllegalStateException.class, () -> connect(Map.of("nats.url", "nats://127.0.0.1:1", "nats.password", "p")));
        assertThrows(IllegalStateException.class, () -> connect(Map.of("nats.url", "nats://127.0.0.1:1", "nats.creds", "/nonexistent.creds")));
        assertThrows(IllegalStateException.class, () -> connect(Map.of("nats.url", "nats://127.0.0.1:1", "nats.tls.cert", "/x.pem")));
    }

    private static NatsConnection connect(Map<String, String> settings) throws Exception {
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("nats.reconnect-wait", "200ms");
        return new NatsConnection(TestConfig.build(properties, NatsConfig.class).getConfigMapping(NatsConfig.class), "tls-test");
    }

    private static void openssl(Path dir, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertEquals(0, process.waitFor(), Files.readString(dir.resolve("openssl.log")));
    }
}

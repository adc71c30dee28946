package dev.agentservices.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

/** Local mode's guard on a running server: this machine's names pass over HTTP/1.1 and HTTP/2, others get 403. */
@Tag("component")
class LocalOnlyRouteTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(LocalOnly.class))
            .overrideConfigKey("local.only", "true");

    @TestHTTPResource("/q/health/live")
    URI live;

    @Test
    void http2RequestsWithoutAHostHeaderPassOnTheirAuthority() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest request = HttpRequest.newBuilder(live).build();
        // the first request upgrades the connection to h2c; the second is HTTP/2, with :authority and no Host
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.version() + ": " + response.body());
        }
    }

    @Test
    void aForeignHostIsRefusedWithJson() throws Exception {
        try (Socket socket = new Socket(live.getHost(), live.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /q/health/live HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 403"), response);
            assertTrue(response.contains("\"error\":\"not_local\""), response);
        }
    }
}

package dev.agentservices.dashboard.terminal;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A test's WebSocket client for the terminal: what it received, and how the socket closed. */
public final class TerminalClient implements AutoCloseable {

    private final WebSocketClient client;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket socket;

    private TerminalClient(Vertx vertx) {
        this.client = vertx.createWebSocketClient();
    }

    /** Connects; returns the HTTP status of a rejected upgrade instead of a client. */
    public static Object connect(Vertx vertx, int port, String sessionId, String token, String origin, List<String> subprotocols)
            throws Exception {
        TerminalClient terminal = new TerminalClient(vertx);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port)
                .setURI("/ws/sessions/" + sessionId + "/attach");
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            options.addHeader("Origin", origin);
        }
        if (subprotocols != null) {
            options.setSubProtocols(subprotocols);
        }
        // the handlers are set before connecting: output the server sends at once (right after its open) is not missed
        ClientWebSocket socket = terminal.client.webSocket();
        socket.binaryMessageHandler(buffer -> {
            synchronized (terminal.received) {
                terminal.received.writeBytes(buffer.getBytes());
            }
        });
        socket.closeHandler(ignored -> terminal.closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
        try {
            socket.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            terminal.socket = socket;
            return terminal;
        } catch (ExecutionException e) {
            terminal.client.close();
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw e;
        }
    }

    String output() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    void type(String text) throws Exception {
        socket.writeBinaryMessage(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))).toCompletionStage()
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    void control(String json) throws Exception {
        socket.writeTextMessage(json).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (socket != null && !socket.isClosed()) {
            socket.close();
        }
        client.close();
    }
}

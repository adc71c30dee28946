import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A terminal client for the dashboard's /ws/sessions/{id}/attach: keystrokes from standard input go out
 * as binary frames, output comes back to standard output. deploy/local/attach.sh puts the terminal in raw
 * mode around it. Usage: java Attach.java ws://localhost:8082/ws/sessions/ID/attach TOKEN COLUMNS ROWS
 */
public class Attach {

    public static void main(String[] args) throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + args[1])
                .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        System.out.write(bytes, 0, bytes.length);
                        System.out.flush();
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int status, String reason) {
                        closed.complete(status + " " + reason);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete("error: " + error.getMessage());
                    }
                }).join();
        socket.sendText("{\"type\":\"resize\",\"cols\":" + args[2] + ",\"rows\":" + args[3] + "}", true).join();
        Thread keys = new Thread(() -> {
            byte[] buffer = new byte[1024];
            try (InputStream in = System.in) {
                for (int read; (read = in.read(buffer)) > 0; ) {
                    socket.sendBinary(ByteBuffer.wrap(buffer, 0, read), true).join();
                }
            } catch (IOException e) {
                closed.complete("input closed");
            }
        });
        keys.setDaemon(true);
        keys.start();
        System.err.print("\r\n[closed: " + closed.join() + "]\r\n");
    }
}

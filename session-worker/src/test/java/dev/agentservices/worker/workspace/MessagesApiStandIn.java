package dev.agentservices.worker.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The Anthropic Messages API as the real Claude Code CLI meets it, scripted: {@code POST /v1/messages} answers
 * with what the script says for the request, streamed as the API streams it (server-sent events
 * {@code message_start}, {@code content_block_start}, {@code text_delta} and {@code input_json_delta} in pieces,
 * {@code content_block_stop}, {@code message_delta} with the stop reason and usage, {@code message_stop}), or as
 * one JSON message when the request does not ask for a stream. Token counting is answered too. Every request
 * body is kept for the test to read.
 */
final class MessagesApiStandIn implements AutoCloseable {

    /**
     * What the model says: text, or a tool call (the tool's name and its input as JSON); or how long it thinks
     * before its answer starts, as a real model does (a turn that must last long enough to be seen going).
     */
    sealed interface Block permits Text, ToolUse, Thinking {
    }

    record Thinking(java.time.Duration duration) implements Block {
    }

    record Text(String text) implements Block {
    }

    record ToolUse(String name, String inputJson) implements Block {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final Function<JsonNode, List<Block>> script;
    private int toolUses;

    MessagesApiStandIn(Function<JsonNode, List<Block>> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests for an answer, in the order they came (token counts left out). */
    List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The credential of every request: its {@code x-api-key}, or its {@code Authorization} header. */
    List<String> credentials() {
        return List.copyOf(credentials);
    }

    /** Everything the model was shown in a request: its system prompt and messages, as one JSON text. */
    static String shown(JsonNode request) {
        return request.path("system").toString() + request.path("messages").toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 404, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"}}");
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            credentials.add(key != null ? "x-api-key " + key : "authorization " + exchange.getRequestHeaders().getFirst("Authorization"));
            if (path.endsWith("/count_tokens")) {
                respond(exchange, 200, "application/json", "{\"input_tokens\":100}");
                return;
            }
            if (!path.endsWith("/v1/messages")) {
                respond(exchange, 404, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"}}");
                return;
            }
            requests.add(request);
            List<Block> blocks = new java.util.ArrayList<>(script.apply(request));
            for (Block block : blocks) {
                if (block instanceof Thinking thinking) {
                    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(thinking.duration().toMillis());
                }
            }
            blocks.removeIf(block -> block instanceof Thinking);
            if (request.path("stream").asBoolean(false)) {
                respond(exchange, 200, "text/event-stream", stream(request, blocks));
            } else {
                respond(exchange, 200, "application/json", message(request, blocks).toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized String toolId() {
        return "toolu_standin_" + (++toolUses);
    }

    private String stream(JsonNode request, List<Block> blocks) {
        StringBuilder events = new StringBuilder();
        ObjectNode start = message(request, List.of());
        start.putObject("usage").put("input_tokens", 120).put("output_tokens", 1);
        event(events, "message_start", JSON.createObjectNode().put("type", "message_start").set("message", start));
        for (int index = 0; index < blocks.size(); index++) {
            Block block = blocks.get(index);
            ObjectNode begin = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            if (block instanceof Text text) {
                begin.putObject("content_block").put("type", "text").put("text", "");
                event(events, "content_block_start", begin);
                for (String piece : halves(text.text())) {
                    delta(events, index, JSON.createObjectNode().put("type", "text_delta").put("text", piece));
                }
            } else if (block instanceof ToolUse tool) {
                begin.putObject("content_block").put("type", "tool_use").put("id", toolId()).put("name", tool.name())
                        .putObject("input");
                event(events, "content_block_start", begin);
                for (String piece : halves(tool.inputJson())) {
                    delta(events, index, JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece));
                }
            }
            event(events, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
        }
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stopReason(blocks)).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", 40);
        event(events, "message_delta", end);
        event(events, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        return events.toString();
    }

    private ObjectNode message(JsonNode request, List<Block> blocks) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_standin").put("type", "message").put("role", "assistant")
                .put("model", request.path("model").asText("claude-stand-in"));
        ArrayNode content = message.putArray("content");
        for (Block block : blocks) {
            if (block instanceof Text text) {
                content.addObject().put("type", "text").put("text", text.text());
            } else if (block instanceof ToolUse tool) {
                try {
                    content.addObject().put("type", "tool_use").put("id", toolId()).put("name", tool.name())
                            .set("input", JSON.readTree(tool.inputJson()));
                } catch (IOException e) {
                    throw new IllegalArgumentException(e);
                }
            }
        }
        message.put("stop_reason", blocks.isEmpty() ? null : stopReason(blocks)).putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 120).put("output_tokens", 40);
        return message;
    }

    private static String stopReason(List<Block> blocks) {
        return blocks.stream().anyMatch(block -> block instanceof ToolUse) ? "tool_use" : "end_turn";
    }

    private static List<String> halves(String text) {
        int middle = text.length() / 2;
        return middle == 0 ? List.of(text) : List.of(text.substring(0, middle), text.substring(middle));
    }

    private static void delta(StringBuilder events, int index, ObjectNode delta) {
        event(events, "content_block_delta", JSON.createObjectNode().put("type", "content_block_delta").put("index", index)
                .set("delta", delta));
    }

    private static void event(StringBuilder events, String name, JsonNode data) {
        events.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

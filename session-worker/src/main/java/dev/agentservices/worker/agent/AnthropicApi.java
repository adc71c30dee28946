package dev.agentservices.worker.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentservices.common.session.ModelBlock;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** The Anthropic Messages API ({@code POST /v1/messages}, non-streaming), at an agent's {@code ANTHROPIC_BASE_URL}. */
@Path("/v1")
public interface AnthropicApi {

    String VERSION = "2023-06-01";

    @POST
    @Path("messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    MessagesResponse create(@HeaderParam("x-api-key") String apiKey, @HeaderParam("anthropic-version") String version,
            MessagesRequest request);

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MessagesRequest(String model, @JsonProperty("max_tokens") int maxTokens, String system, List<Message> messages,
            List<Tool> tools) {
    }

    @RegisterForReflection
    record Message(String role, List<ModelBlock> content) {
    }

    @RegisterForReflection
    record Tool(String name, String description, @JsonProperty("input_schema") Map<String, Object> inputSchema) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MessagesResponse(String id, String role, List<ModelBlock> content, @JsonProperty("stop_reason") String stopReason,
            Usage usage) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Usage(@JsonProperty("input_tokens") long inputTokens, @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("cache_creation_input_tokens") long cacheCreationInputTokens,
            @JsonProperty("cache_read_input_tokens") long cacheReadInputTokens) {
    }
}

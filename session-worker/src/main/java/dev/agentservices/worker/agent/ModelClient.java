package dev.agentservices.worker.agent;

import dev.agentservices.common.session.ModelBlock;
import dev.agentservices.common.session.ModelMessage;
import dev.agentservices.common.session.Usage;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.inject.Singleton;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One non-streaming call of the Anthropic Messages API: one attempt per delivery of the event, with the
 * configured timeout; a failure (timeout, connection, 429, 5xx, refusal) is a
 * {@link ModelUnavailableException} carrying the answer's {@code retry-after}, so the consumer's backoff
 * retries it. The API key goes only in its header.
 */
@Singleton
public class ModelClient {

    private static final Duration RETRY_AFTER_MAX = Duration.ofMinutes(5);

    private final ModelConfig config;
    private final Map<String, AnthropicApi> clients = new ConcurrentHashMap<>();

    public ModelClient(ModelConfig config) {
        this.config = config;
    }

    /** The model's answer and what it used (its cost at the configured prices). */
    public record Answer(List<ModelBlock> content, Usage usage) {
    }

    public Answer call(ModelAgents.Model model, String system, List<ModelMessage> messages, List<AnthropicApi.Tool> tools) {
        AnthropicApi api = clients.computeIfAbsent(model.baseUrl(), url -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url)).connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).build(AnthropicApi.class));
        AnthropicApi.MessagesRequest request = new AnthropicApi.MessagesRequest(model.name(), config.maxTokens(), system,
                messages.stream().map(message -> new AnthropicApi.Message(message.role(), message.content())).toList(), tools);
        AnthropicApi.MessagesResponse response;
        try {
            response = api.create(model.apiKey().reveal(), AnthropicApi.VERSION, request);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            throw new ModelUnavailableException("the model answered HTTP " + status + (status == 429 ? " (rate limited)"
                    : status >= 500 ? " (overloaded or failing)" : " (refused the request)"), retryAfter(e), e);
        } catch (ProcessingException e) {
            throw new ModelUnavailableException("the model did not answer: " + e.getMessage(), Duration.ZERO, e);
        }
        if (response == null || response.content() == null) {
            throw new ModelUnavailableException("the model answered without content", Duration.ZERO, null);
        }
        AnthropicApi.Usage used = response.usage();
        Usage usage = used == null ? Usage.NONE : new Usage(used.inputTokens(), used.outputTokens(),
                used.cacheCreationInputTokens(), used.cacheReadInputTokens(),
                (used.inputTokens() + used.cacheCreationInputTokens() + used.cacheReadInputTokens()) * config.inputUsdPerMillion() / 1e6
                        + used.outputTokens() * config.outputUsdPerMillion() / 1e6, 0);
        return new Answer(response.content(), usage);
    }

    private static Duration retryAfter(WebApplicationException e) {
        String header = e.getResponse().getHeaderString("retry-after");
        try {
            Duration after = header == null ? Duration.ZERO : Duration.ofSeconds(Long.parseLong(header.trim()));
            return after.compareTo(RETRY_AFTER_MAX) > 0 ? RETRY_AFTER_MAX : after;
        } catch (NumberFormatException notSeconds) {
            return Duration.ZERO;
        }
    }
}

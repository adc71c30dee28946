package dev.agentservices.worker.agent;

import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.common.signature.Secret;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Which agents have a model (an API key), and its settings. */
@Singleton
public class ModelAgents {

    private final AgentsConfig agents;
    private final ModelConfig config;

    public ModelAgents(AgentsConfig agents, ModelConfig config) {
        this.agents = agents;
        this.config = config;
    }

    /** An agent's model: where, which, with what key and system prompt. */
    public record Model(String name, String baseUrl, Secret apiKey, String systemPrompt) {

        @Override
        public String toString() {
            return "Model[" + name + " at " + baseUrl + "]";
        }
    }

    public Optional<Model> of(String agent) {
        AgentsConfig.AgentConfig settings = agents.byName().get(agent);
        if (settings == null) {
            return Optional.empty();
        }
        AgentsConfig.ModelSettings model = settings.model();
        return model.apiKey().map(String::trim).filter(key -> !key.isEmpty()).map(key -> new Model(
                model.name().filter(name -> !name.isBlank()).orElse(config.defaultModel()),
                model.baseUrl().filter(url -> !url.isBlank()).orElse(config.defaultBaseUrl()).replaceAll("/+$", ""),
                Secret.of(key), model.systemPrompt().filter(prompt -> !prompt.isBlank()).orElse(config.systemPrompt())
                        .replace("{agent}", agent)));
    }
}

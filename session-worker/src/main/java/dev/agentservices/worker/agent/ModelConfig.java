package dev.agentservices.worker.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code agent-model.*}: how the model-backed agent policy calls its model. Which agents have one, and its
 * key, come from {@code ANTHROPIC_API_KEY} ({@code DOLLY_ANTHROPIC_API_KEY}, ...).
 */
@ConfigMapping(prefix = "agent-model")
public interface ModelConfig {

    /** The model when the agent names none ({@code ANTHROPIC_MODEL}). */
    @WithDefault("claude-sonnet-4-5")
    String defaultModel();

    /** The base URL when the agent names none ({@code ANTHROPIC_BASE_URL}). */
    @WithDefault("https://api.anthropic.com")
    String defaultBaseUrl();

    @WithDefault("4096")
    int maxTokens();

    /**
     * How long one call may take before it counts as failed. A failed call (timeout, 429, 5xx) fails the
     * event's delivery, which JetStream retries with the consumer's backoff ({@code worker.consumer.backoff},
     * or the model's {@code retry-after} when longer), then dead-letters.
     */
    @WithDefault("60s")
    Duration timeout();

    /** Model tokens (input and output) one session may use; 0 for no limit. */
    @WithDefault("2000000")
    long sessionTokenBudget();

    /** Model tokens one team's sessions may use per calendar month (UTC); 0 for no limit. */
    @WithDefault("0")
    long teamMonthlyTokenBudget();

    /** The price of a million input tokens in USD, for the sessions' cost (and team budgets). */
    @WithDefault("3.0")
    double inputUsdPerMillion();

    @WithDefault("15.0")
    double outputUsdPerMillion();

    /** The system prompt when the agent has none of its own ({@code AGENT_SYSTEM_PROMPT}). */
    @WithDefault("You are {agent}, a coding agent people talk to in Slack threads, Jira issues and GitHub issues. "
            + "Answer questions yourself when you can. For work on code (changes, builds, tests, investigations in "
            + "the repository) call start_run with precise instructions; its outcome comes back to you, and your "
            + "answer to it is posted in the thread. Ask with the ask tool when you need a decision. Be brief.")
    String systemPrompt();
}

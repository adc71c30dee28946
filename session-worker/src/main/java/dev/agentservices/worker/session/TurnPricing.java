package dev.agentservices.worker.session;

import dev.agentservices.common.session.Usage;
import dev.agentservices.worker.launch.LauncherConfig;
import jakarta.inject.Singleton;

/**
 * The cost of a turn, computed by the worker from the tokens its run reported and the price table
 * ({@code SESSION_PRICING_*}): what a pod or its CLI says a turn cost is never counted, so a run cannot lower its
 * team's spend, and budgets rest on figures of the platform's own.
 */
@Singleton
public class TurnPricing {

    private final LauncherConfig.Pricing prices;

    public TurnPricing(LauncherConfig config) {
        this.prices = config.pricing();
        for (double price : new double[] {prices.inputUsdPerMillion(), prices.outputUsdPerMillion(), prices.cacheWriteUsdPerMillion(),
                prices.cacheReadUsdPerMillion()}) {
            if (!(price >= 0) || Double.isInfinite(price)) {
                throw new IllegalStateException("SESSION_PRICING_* prices are USD per million tokens, 0 or more");
            }
        }
    }

    /** {@code usage} with its cost computed from its tokens; null stays null. */
    public Usage priced(Usage usage) {
        if (usage == null) {
            return null;
        }
        double cost = (usage.inputTokens() * prices.inputUsdPerMillion() + usage.outputTokens() * prices.outputUsdPerMillion()
                + usage.cacheCreationTokens() * prices.cacheWriteUsdPerMillion()
                + usage.cacheReadTokens() * prices.cacheReadUsdPerMillion()) / 1_000_000;
        return new Usage(usage.inputTokens(), usage.outputTokens(), usage.cacheCreationTokens(), usage.cacheReadTokens(), cost,
                usage.durationMs());
    }
}

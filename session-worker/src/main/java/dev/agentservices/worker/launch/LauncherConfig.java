package dev.agentservices.worker.launch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** {@code session.*}: which launcher runs session pods, and the local launcher's settings. */
@ConfigMapping(prefix = "session")
public interface LauncherConfig {

    /** {@code kubernetes} (default) or {@code local} ({@code SESSION_LAUNCHER}). */
    @WithDefault("kubernetes")
    String launcher();

    /**
     * How long a run waits for its next turn after one ended before it saves its state and stops
     * ({@code RUNNER_IDLE_TIMEOUT} of the runner); a later follow-up then starts a new run.
     */
    @WithDefault("10m")
    java.time.Duration idleTimeout();

    /**
     * How long a finished session (no run, nothing queued, nothing waiting) stays in the live bucket after it ended
     * ({@code SESSION_LIVE_RETENTION}); then it lives in the history alone and comes back when written to. Only with a
     * history ({@code PGHOST}).
     */
    @WithDefault("7d")
    java.time.Duration liveRetention();

    /**
     * The runner's mode when neither the team nor the agent names one: {@code one-shot} (the agent CLI runs
     * once per turn) or {@code interactive} (the agent's TUI in the tmux pane).
     */
    @WithDefault("one-shot")
    String runnerMode();

    /**
     * What a run's tokens cost: the worker prices each turn from the tokens its run reported, never from a cost the run
     * or its CLI reports ({@code SESSION_PRICING_INPUT_USD_PER_MILLION}, …; the defaults are Claude Sonnet's list prices).
     */
    Pricing pricing();

    interface Pricing {
        @WithDefault("3.0")
        double inputUsdPerMillion();

        @WithDefault("15.0")
        double outputUsdPerMillion();

        /** Input tokens written to the prompt cache. */
        @WithDefault("3.75")
        double cacheWriteUsdPerMillion();

        /** Input tokens read from the prompt cache. */
        @WithDefault("0.30")
        double cacheReadUsdPerMillion();
    }

    /**
     * What the sessions without a team may cost together per calendar month (UTC), in USD, as the worker prices their
     * tokens ({@code SESSION_TEAMLESS_MONTHLY_BUDGET_USD}); past it their new runs wait. 0 for no budget.
     */
    @WithDefault("50")
    double teamlessMonthlyBudgetUsd();

    /** How often a Slack thread's progress message may change while a turn runs ({@code SESSION_PROGRESS_EVERY}). */
    @WithDefault("5s")
    java.time.Duration progressEvery();

    /**
     * Where runs clone a session's repository from: {@code {git-url}/{owner}/{name}.git} ({@code GITHUB_GIT_URL};
     * GitHub Enterprise's address, or {@code file://} bare repositories in tests).
     */
    @WithDefault("https://github.com")
    String gitUrl();

    Local local();

    Kubernetes kubernetes();

    /** The Kubernetes launcher: one pod and one Secret per run in {@code sessions.namespace}. */
    interface Kubernetes {
        @WithDefault("500m")
        String cpuRequest();

        @WithDefault("1Gi")
        String memoryRequest();

        @WithDefault("2")
        String cpuLimit();

        @WithDefault("4Gi")
        String memoryLimit();

        /** How long a finished run's pod (and its logs) stays before it is removed. */
        @WithDefault("10m")
        java.time.Duration finishedPodGrace();

        /** Scratch space a pod may use besides its folders (PodSecurity's ephemeral-storage accounting). */
        @WithDefault("1Gi")
        String ephemeralStorageRequest();

        @WithDefault("10Gi")
        String ephemeralStorageLimit();

        /** The most the runner's home (its work folder, an emptyDir) may hold. */
        @WithDefault("8Gi")
        String homeSizeLimit();

        /** The numeric user and group session pods run as; the runner image's user is 10001. */
        @WithDefault("10001")
        long runAsUser();

        /** {@code activeDeadlineSeconds} of a session pod. */
        @WithDefault("4h")
        java.time.Duration activeDeadline();

        /** The service account session pods run as; the namespace's default when unset. */
        Optional<String> serviceAccount();

        /** The agent command passed to the runner ({@code AGENT_COMMAND}); the image's default when unset. */
        Optional<String> agentCommand();

        /**
         * The egress proxy session pods go out through, {@code host:port} ({@code SESSION_KUBERNETES_EGRESS_PROXY}; the
         * chart's {@code session-egress}): runs get HTTPS_PROXY and HTTP_PROXY naming it, with the session id as the
         * proxy user (its access log is per session), and NO_PROXY for runner-api and the cluster. Unset: no proxy.
         */
        Optional<String> egressProxy();

        /**
         * Teams with a proxy port of their own, {@code team=port,…} ({@code SESSION_KUBERNETES_EGRESS_TEAM_PORTS}; the
         * chart's {@code sessionEgressProxy.teams}): their runs use that port, where the proxy lets the team's own
         * domains through besides everyone's, and only the team's pods may reach it.
         */
        Optional<String> egressTeamPorts();

        /**
         * Agents with a proxy port of their own, {@code agent=port,…} ({@code SESSION_KUBERNETES_EGRESS_AGENT_PORTS}; the
         * chart's {@code sessionEgressProxy.agents}): the port of the agent's runs whose team has none of its own.
         */
        Optional<String> egressAgentPorts();
    }

    /** The local launcher: the reference runner as a process inside tmux. */
    interface Local {
        /** The runner to start; the reference runner by default. */
        @WithDefault("deploy/runner/entrypoint.sh")
        String runnerCommand();

        /** The tmux server socket name ({@code tmux -L}), kept apart from the user's own sessions. */
        @WithDefault("agent-services")
        String tmuxSocket();

        /** Where runs keep their files; a temporary folder by default. */
        Optional<Path> workDir();

        /** The agent command the runner starts ({@code AGENT_COMMAND}); the runner's default when unset. */
        Optional<String> agentCommand();

        /**
         * A file of {@code NAME=value} lines that every local run gets in its environment: its model credentials
         * ({@code ANTHROPIC_API_KEY}, {@code ANTHROPIC_BASE_URL}, ...; {@code SESSION_LOCAL_RUN_ENV_FILE}). Read at
         * each launch. Nothing else of the worker's environment reaches a run but {@code PATH}, the locale, the
         * time zone, {@code TMPDIR} and {@code RUNNER_STATE_DIR}.
         */
        Optional<Path> runEnvFile();
    }
}

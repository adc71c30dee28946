package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.process.ShortCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Local mode's launcher: the reference runner as a local process inside a tmux session named after the
 * run, with the environment a pod would get and nothing of the worker's own (its keys and tokens stay with
 * it): the run's credentials come from {@code SESSION_LOCAL_RUN_ENV_FILE}. The tokens go through a file only
 * the user can read, which the runner deletes once read, so they never show on a command line.
 */
public class LocalLauncher implements SessionLauncher {

    private static final Logger LOG = Logger.getLogger(LocalLauncher.class);

    private final LauncherConfig.Local config;
    private final RunnerConfig runner;
    private final Path workDir;
    private final Duration idleTimeout;
    private final String gitUrl;
    /** What a local run keeps of the worker's environment: where programs are, the locale, the time zone, scratch and local state. */
    private static final List<String> PASSED_THROUGH = List.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "RUNNER_STATE_DIR");

    public LocalLauncher(LauncherConfig.Local config, RunnerConfig runner, Duration idleTimeout, String gitUrl) {
        this.gitUrl = gitUrl;
        this.config = config;
        this.runner = runner;
        this.idleTimeout = idleTimeout;
        try {
            this.workDir = config.workDir().isPresent() ? Files.createDirectories(config.workDir().get())
                    : Files.createTempDirectory("agent-services-runs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Launched launch(Session session, RunOptions options) {
        String name = SessionLauncher.podName(session);
        if (tmux("has-session", "-t", name) == 0) {
            return new Launched(name, SessionStatus.RUNNING);
        }
        // one folder per session, kept across its runs: the agent finds its files and its conversation again
        Path runDir = workDir.resolve(SessionLauncher.workDirName(session));
        try {
            Files.createDirectories(runDir);
            Path envFile = runDir.resolve("runner.env");
            Files.deleteIfExists(envFile);
            Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            List<String> lines = new ArrayList<>(List.of(
                    "SESSION_ID=" + quote(session.id()),
                    "RUNNER_API_URL=" + quote(runner.apiUrl().orElse("http://127.0.0.1:8081")),
                    "RUNNER_TOKEN=" + quote(options.podToken()),
                    "RUNNER_WORK_DIR=" + quote(runDir.toString()),
                    "RUNNER_MODE=" + quote(options.mode()),
                    "RUNNER_IDLE_TIMEOUT=" + idleTimeout.toSeconds()));
            config.agentCommand().ifPresent(command -> lines.add("AGENT_COMMAND=" + quote(command)));
            lines.add("GITHUB_GIT_URL=" + quote(gitUrl));
            lines.add("RUNNER_PERMISSION_MODE=" + quote(options.permissions().mode()));
            lines.add("RUNNER_ALLOWED_TOOLS=" + quote(options.permissions().allowedTools()));
            lines.add("RUNNER_DISALLOWED_TOOLS=" + quote(options.permissions().disallowedTools()));
            lines.addAll(RunEnvFile.lines(config.runEnvFile()));
            if (options.githubToken() != null) {
                lines.add("GITHUB_TOKEN=" + quote(options.githubToken()));
            }
            if (options.githubTokenRevokeUrl() != null) {
                lines.add("GITHUB_TOKEN_REVOKE_URL=" + quote(options.githubTokenRevokeUrl()));
            }
            if (options.traceparent() != null) {
                lines.add("TRACEPARENT=" + quote(options.traceparent()));
            }
            Files.write(envFile, lines, StandardCharsets.UTF_8);
            // the run starts from an empty environment (tmux would hand it the worker's): only the pane's own
            // variables, a few of the machine's, and what the env file says
            int exit = tmux("new-session", "-d", "-s", name, "-x", "200", "-y", "50", "-c", runDir.toString(),
                    "exec env -i TERM=\"$TERM\" TMUX=\"$TMUX\" TMUX_PANE=\"$TMUX_PANE\" " + passedThrough()
                            + "RUNNER_ENV_FILE=" + quote(envFile.toString()) + " "
                            + quote(Path.of(config.runnerCommand()).toAbsolutePath().toString()));
            if (exit != 0) {
                throw new IllegalStateException("tmux could not start session " + name + " (exit " + exit + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("Started run %d of session %s locally in tmux session %s (tmux -L %s attach -t %s)", session.run(),
                session.id(), name, config.tmuxSocket(), name);
        return new Launched(name, SessionStatus.RUNNING);
    }

    @Override
    public java.util.Map<String, Gone> goneRuns(java.util.Collection<Session> live) {
        java.util.Set<String> running = tmuxSessions();
        java.util.Map<String, Gone> gone = new java.util.HashMap<>();
        for (Session session : live) {
            String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
            if (!running.contains(name)) {
                gone.put(session.id(), new Gone("its local process (tmux session " + name + ") is gone", false));
            }
        }
        return gone;
    }

    /** The names of the tmux sessions on the runs' socket, in one look; none when the tmux server is not running. */
    private java.util.Set<String> tmuxSessions() {
        try {
            Process list = new ProcessBuilder("tmux", "-L", config.tmuxSocket(), "list-sessions", "-F", "#{session_name}")
                    .redirectErrorStream(true).start();
            String output = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!list.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                list.destroyForcibly();
                throw new IllegalStateException("tmux list-sessions did not answer");
            }
            if (list.exitValue() == 0) {
                return java.util.Set.copyOf(output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList());
            }
            if (output.contains("no server running") || output.contains("error connecting")) {
                return java.util.Set.of();
            }
            throw new IllegalStateException("tmux list-sessions failed: " + output.strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing tmux sessions", e);
        }
    }

    /** A local run's tmux session ends with its process: nothing is left behind. */
    @Override
    public void removeFinished(java.util.function.Function<String, java.util.Optional<Session>> sessions) {
    }

    @Override
    public void pause(Session session) {
        String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
        try {
            Process display = new ProcessBuilder("tmux", "-L", config.tmuxSocket(), "display-message", "-p", "-t", name,
                    "#{pane_pid}").redirectErrorStream(true).start();
            String pid = new String(display.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (display.waitFor() != 0 || !pid.matches("[0-9]+")) {
                throw new IllegalStateException("no running tmux session " + name);
            }
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void terminate(Session session) {
        String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
        tmux("kill-session", "-t", name);
    }

    private int tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", config.tmuxSocket()));
        command.addAll(List.of(args));
        return ShortCommand.run(command, Duration.ofSeconds(10));
    }

    /** The worker's variables a local run keeps, as {@code NAME='value' } words. */
    private static String passedThrough() {
        StringBuilder words = new StringBuilder();
        for (String variable : PASSED_THROUGH) {
            String value = System.getenv(variable);
            if (value != null) {
                words.append(variable).append('=').append(quote(value)).append(' ');
            }
        }
        return words.toString();
    }

    /** Single-quotes a value for a shell {@code .} of the env file. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}

package dev.agentservices.worker;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The worker with agent buck on Slack, the local launcher running a stand-in runner, WireMock as Slack. */
public class WorkerTestProfile implements QuarkusTestProfile {

    public static final String BOT_TOKEN = "xoxb-test-token";
    public static final String BOT_USER = "U0BUCK";
    public static final String TMUX_SOCKET = "agent-services-test-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "agents.buck.slack.signing-secret", "buck-slack-signing-secret",
                "agents.buck.slack.bot-token", BOT_TOKEN,
                "agents.buck.slack.bot-user-id", BOT_USER,
                "session.launcher", "local",
                "session.local.runner-command", Path.of("target/test-classes/stand-in-runner.sh").toAbsolutePath().toString(),
                "session.local.tmux-socket", TMUX_SOCKET,
                "session.local.work-dir", Path.of(System.getProperty("java.io.tmpdir"), "agent-services-worker-test").toString(),
                "runner.api-url", "http://127.0.0.1:1",
                "runner.token-secret", "a-test-secret-of-at-least-32-bytes-long");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(WireMockSlack.class));
    }
}

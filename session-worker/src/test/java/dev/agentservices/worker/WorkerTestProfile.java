package dev.agentservices.worker;

import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.common.testing.S3ProxyTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The worker with agent buck on Slack, Jira and GitHub, agent molly on Slack with a model, the local launcher running a stand-in runner,
 * WireMock as the three APIs, and s3proxy for attachments.
 */
public class WorkerTestProfile implements QuarkusTestProfile {

    public static final String BOT_TOKEN = "xoxb-test-token";
    public static final String BOT_USER = "U0BUCK";
    /** Agent molly answers with a model (WireMock as the Anthropic Messages API) in Slack. */
    public static final String MOLLY_BOT_TOKEN = "xoxb-molly-token";
    public static final String MODEL_API_KEY = "sk-ant-test-key";
    public static final String JIRA_ACCOUNT = "5b10ac8d82e05b22cc7d4ef5";
    public static final String JIRA_TOKEN = "jira-api-token";
    public static final String GITHUB_TOKEN = "ghs_test_token";
    public static final String DASHBOARD_URL = "https://agents.example.com";
    /** Agent pearl's GitHub App: its id and key (PKCS #1, as GitHub issues App keys). */
    public static final String GITHUB_APP_ID = "424242";
    public static final java.security.KeyPair GITHUB_APP_KEY = rsaKeyPair();
    public static final String GITHUB_APP_KEY_PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder()
            .encodeToString(java.util.Arrays.copyOfRange(GITHUB_APP_KEY.getPrivate().getEncoded(), 26,
                    GITHUB_APP_KEY.getPrivate().getEncoded().length)) + "\n-----END RSA PRIVATE KEY-----\n";
    public static final String TMUX_SOCKET = "agent-services-test-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("agents.buck.slack.signing-secret", "buck-slack-signing-secret"),
                Map.entry("agents.buck.jira.webhook-secret", "buck-jira-secret"),
                Map.entry("agents.buck.jira.account-id", JIRA_ACCOUNT),
                Map.entry("agents.buck.jira.email", "buck@example.com"),
                Map.entry("agents.buck.jira.api-token", JIRA_TOKEN),
                Map.entry("agents.buck.github.webhook-secret", "buck-github-secret"),
                Map.entry("agents.buck.github.token", GITHUB_TOKEN),
                Map.entry("agents.buck.slack.bot-token", BOT_TOKEN),
                Map.entry("agents.buck.slack.bot-user-id", BOT_USER),
                Map.entry("agents.dolly.default-team", "dolly-default"),
                Map.entry("agent-registry.names", "buck,dolly,pearl,molly"),
                Map.entry("agents.molly.slack.signing-secret", "molly-slack-signing-secret"),
                Map.entry("agents.molly.slack.bot-token", MOLLY_BOT_TOKEN),
                Map.entry("agents.molly.model.api-key", MODEL_API_KEY),
                Map.entry("agents.molly.model.name", "claude-test-model"),
                Map.entry("agents.pearl.github.webhook-secret", "pearl-github-secret"),
                Map.entry("agents.pearl.github.app-id", GITHUB_APP_ID),
                Map.entry("agents.pearl.github.app-private-key", GITHUB_APP_KEY_PEM),
                Map.entry("session.launcher", "local"),
                Map.entry("session.local.runner-command", Path.of("target/test-classes/stand-in-runner.sh").toAbsolutePath().toString()),
                Map.entry("session.local.tmux-socket", TMUX_SOCKET),
                Map.entry("session.local.work-dir", Path.of(System.getProperty("java.io.tmpdir"), "agent-services-worker-test").toString()),
                Map.entry("runner.api-url", "http://127.0.0.1:1"),
                Map.entry("worker.queue.check-interval", "500ms"),
                Map.entry("session.progress-every", "1s"),
                Map.entry("dashboard.url", DASHBOARD_URL),
                Map.entry("worker.consumer.ack-wait", "2s"),
                Map.entry("runner.token-secret", "a-test-secret-of-at-least-32-bytes-long"));
    }

    private static java.security.KeyPair rsaKeyPair() {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(ThirdPartyApis.class),
                new TestResourceEntry(S3ProxyTestResource.class));
    }
}

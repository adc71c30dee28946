package dev.agentservices.worker.launch;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.Session;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of a run's Secret and pod. What every run's pod shares (security contexts, volumes, resources,
 * deadline, service account) is built once with fabric8's builders and kept as a JSON tree; each run adds
 * its name, labels, image and environment to a copy of it. Writing a tree costs a small part of building and
 * serialising the model again for every run.
 */
final class RunManifests {

    static final String CONTAINER = "runner";
    static final String TOKEN_KEY = "RUNNER_TOKEN";
    static final String GITHUB_TOKEN_KEY = "GITHUB_TOKEN";
    /** The runner's home and work folder: its files, the agent's session files, the state it saves. */
    static final String HOME = "/home/runner";
    private static final String HOME_VOLUME = "home";
    private static final String TMP_VOLUME = "tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode podTemplate;
    private final RunnerConfig runner;
    private final LauncherConfig.Kubernetes config;
    private final String namespace;
    private final String idleSeconds;
    private final String gitUrl;
    private final Map<String, Integer> teamPorts;
    private final Map<String, Integer> agentPorts;

    RunManifests(KubernetesSerialization serialization, LauncherConfig.Kubernetes config, RunnerConfig runner, String namespace,
            Duration idleTimeout, String gitUrl) {
        this.gitUrl = gitUrl;
        this.teamPorts = ports(config.egressTeamPorts());
        this.agentPorts = ports(config.egressAgentPorts());
        this.config = config;
        this.runner = runner;
        this.namespace = namespace;
        this.idleSeconds = Long.toString(idleTimeout.toSeconds());
        this.podTemplate = serialization.convertValue(sharedPodSpec(), ObjectNode.class);
    }

    /** The run's Secret: its pod token, and the GitHub token of its repository when it has one. */
    byte[] secret(String name, Map<String, String> labels, SessionLauncher.RunOptions options) {
        ObjectNode secret = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        metadata(secret, name, labels);
        secret.put("type", "Opaque");
        ObjectNode data = secret.putObject("stringData").put(TOKEN_KEY, options.podToken());
        if (options.githubToken() != null) {
            data.put(GITHUB_TOKEN_KEY, options.githubToken());
        }
        return write(secret);
    }

    /** The run's pod: the shared spec with the run's name, labels, image and environment (its tokens from its Secret). */
    byte[] pod(Session session, String name, Map<String, String> labels, SessionLauncher.RunOptions options) {
        String apiUrl = runner.apiUrl().orElseThrow(
                () -> new IllegalStateException("RUNNER_API_URL is not set; session pods could not reach the runner API"));
        ObjectNode pod = podTemplate.deepCopy();
        metadata(pod, name, labels);
        ObjectNode container = (ObjectNode) pod.withObject("/spec").withArray("containers").get(0);
        container.put("image", options.image() != null ? options.image() : runner.image());
        ArrayNode env = container.putArray("env");
        value(env, "SESSION_ID", session.id());
        value(env, "RUNNER_API_URL", apiUrl);
        fromSecret(env, TOKEN_KEY, name);
        value(env, "RUNNER_MODE", options.mode());
        value(env, "HOME", HOME);
        value(env, "RUNNER_WORK_DIR", HOME);
        value(env, "RUNNER_IDLE_TIMEOUT", idleSeconds);
        config.agentCommand().ifPresent(command -> value(env, "AGENT_COMMAND", command));
        if (options.traceparent() != null) {
            value(env, "TRACEPARENT", options.traceparent());
        }
        if (options.githubToken() != null) {
            fromSecret(env, GITHUB_TOKEN_KEY, name);
        }
        if (options.githubTokenRevokeUrl() != null) {
            value(env, "GITHUB_TOKEN_REVOKE_URL", options.githubTokenRevokeUrl());
        }
        value(env, "GITHUB_GIT_URL", gitUrl);
        config.egressProxy().map(String::trim).filter(proxy -> !proxy.isEmpty()).ifPresent(proxy -> {
            // env entries win over envFrom: the operator's Secret cannot turn the proxy off
            String url = "http://" + session.id() + ":run@" + ownProxy(proxy, session);
            String direct = URI.create(apiUrl).getHost() + ",localhost,127.0.0.1,.svc,.cluster.local";
            for (String variable : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
                value(env, variable, url);
            }
            value(env, "NO_PROXY", direct);
            value(env, "no_proxy", direct);
        });
        value(env, "RUNNER_PERMISSION_MODE", options.permissions().mode());
        value(env, "RUNNER_ALLOWED_TOOLS", options.permissions().allowedTools());
        value(env, "RUNNER_DISALLOWED_TOOLS", options.permissions().disallowedTools());
        if (options.envSecret() != null) {
            // the run's model credentials: every key of the operator's Secret (RUNNER_ENV_SECRET); a missing Secret
            // keeps the pod from starting, which the pod watcher reports, rather than a run without credentials
            container.putArray("envFrom").addObject().putObject("secretRef").put("name", options.envSecret()).put("optional", false);
        }
        return write(pod);
    }

    /** The proxy's {@code host:port} for the session's run: its team's own port, else its agent's, else the shared one. */
    private String ownProxy(String proxy, Session session) {
        Integer port = session.team() == null ? null : teamPorts.get(session.team());
        if (port == null) {
            port = agentPorts.get(session.agent());
        }
        return port == null ? proxy : proxy.substring(0, proxy.lastIndexOf(':') + 1) + port;
    }

    /** {@code name=port,…} as a map; an entry that is not one is refused at start-up. */
    static Map<String, Integer> ports(Optional<String> setting) {
        Map<String, Integer> ports = new java.util.HashMap<>();
        for (String entry : setting.orElse("").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("=", 2);
            try {
                ports.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
            } catch (RuntimeException e) {
                throw new IllegalStateException("SESSION_KUBERNETES_EGRESS_TEAM_PORTS and …_AGENT_PORTS take name=port pairs "
                        + "separated by commas, not '" + entry.trim() + "'");
            }
        }
        return Map.copyOf(ports);
    }

    /**
     * Everything but the run's own parts. PodSecurity "restricted": a numeric non-root user, no privilege
     * escalation, no capabilities, the runtime's seccomp profile, and a read-only image with writable scratch
     * folders only.
     */
    private Pod sharedPodSpec() {
        long user = config.runAsUser();
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(config.activeDeadline().toSeconds())
                .withServiceAccountName(config.serviceAccount().orElse(null))
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(user).withRunAsGroup(user).withFsGroup(user)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolume().withName(HOME_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity(config.homeSizeLimit()))
                .endEmptyDir().endVolume()
                .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().endVolume()
                .addNewContainer()
                .withName(CONTAINER)
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(config.cpuRequest()), "memory", new Quantity(config.memoryRequest()),
                        "ephemeral-storage", new Quantity(config.ephemeralStorageRequest())))
                .withLimits(Map.of("cpu", new Quantity(config.cpuLimit()), "memory", new Quantity(config.memoryLimit()),
                        "ephemeral-storage", new Quantity(config.ephemeralStorageLimit())))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withPrivileged(false).withRunAsNonRoot(true).withRunAsUser(user)
                .withRunAsGroup(user).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName(HOME_VOLUME).withMountPath(HOME).endVolumeMount()
                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .endSpec()
                .build();
    }

    private void metadata(ObjectNode object, String name, Map<String, String> labels) {
        ObjectNode metadata = object.withObject("/metadata").put("name", name).put("namespace", namespace);
        ObjectNode labelNode = metadata.putObject("labels");
        labels.forEach(labelNode::put);
    }

    private static void value(ArrayNode env, String name, String value) {
        env.addObject().put("name", name).put("value", value);
    }

    private static void fromSecret(ArrayNode env, String key, String secret) {
        env.addObject().put("name", key).putObject("valueFrom").putObject("secretKeyRef").put("name", secret).put("key", key)
                .put("optional", false);
    }

    private static byte[] write(ObjectNode object) {
        try {
            return JSON.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a manifest", e);
        }
    }
}

package dev.agentservices.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renders the production install with {@code deploy/kubernetes/render.sh} (the services' charts as this build
 * made them, inside the agent-services chart, through {@code helm lint --strict} and {@code helm template}) and
 * checks each rule of the deployment: workloads, PodSecurity "restricted", probes, resources, least-privilege
 * RBAC, NetworkPolicies, autoscaling and disruption budgets.
 */
class KubernetesInstallIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("webhook-gateway", "runner-api", "dashboard-api", "session-worker");
    private static final String SESSIONS = "agent-sessions";
    private static List<HasMetadata> install;

    @BeforeAll
    static void renderTheProductionInstall() throws Exception {
        install = load(render());
    }

    @Test
    void everyServiceIsADeploymentWithAServiceAServiceAccountAndADisruptionBudget() {
        for (String service : SERVICES) {
            Deployment deployment = one(Deployment.class, service);
            assertEquals(service, deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
            assertNotNull(one(io.fabric8.kubernetes.api.model.Service.class, service));
            assertNotNull(one(ServiceAccount.class, service));
            PodDisruptionBudget budget = one(PodDisruptionBudget.class, service);
            assertEquals(Map.of("app.kubernetes.io/name", service), budget.getSpec().getSelector().getMatchLabels());
        }
    }

    @Test
    void everyPodAndContainerPassesPodSecurityRestricted() {
        for (String service : SERVICES) {
            PodSpec pod = one(Deployment.class, service).getSpec().getTemplate().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), service);
            assertTrue(pod.getSecurityContext().getRunAsUser() != null && pod.getSecurityContext().getRunAsUser() > 0,
                    service + ": a numeric non-root user");
            assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), service);
            for (Container container : pod.getContainers()) {
                var context = container.getSecurityContext();
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), service);
                assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), service);
                assertTrue(context.getCapabilities().getAdd() == null || context.getCapabilities().getAdd().isEmpty(), service);
                assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), service);
                assertTrue(context.getPrivileged() == null || !context.getPrivileged(), service);
                assertTrue(container.getVolumeMounts().stream().anyMatch(mount -> mount.getMountPath().equals("/tmp")),
                        service + ": /tmp is the writable emptyDir");
            }
            assertTrue(pod.getVolumes().stream().anyMatch(volume -> volume.getName().equals("tmp") && volume.getEmptyDir() != null),
                    service);
            assertTrue(pod.getHostNetwork() == null || !pod.getHostNetwork(), service);
            assertTrue(pod.getHostPID() == null || !pod.getHostPID(), service);
        }
    }

    @Test
    void everyContainerHasHealthProbesResourcesAndItsConfigFromTheConfigMapAndItsSecret() {
        for (String service : SERVICES) {
            Container container = one(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertProbe(container.getLivenessProbe(), "/q/health/live", service);
            assertProbe(container.getReadinessProbe(), "/q/health/ready", service);
            assertProbe(container.getStartupProbe(), "/q/health/started", service);
            assertNotNull(container.getResources().getRequests().get("cpu"), service);
            assertNotNull(container.getResources().getRequests().get("memory"), service);
            assertNotNull(container.getResources().getLimits().get("memory"), service);
            assertTrue(container.getEnvFrom().stream().anyMatch(from -> from.getConfigMapRef() != null
                    && from.getConfigMapRef().getName().equals("agent-services")), service);
            assertTrue(container.getEnvFrom().stream().anyMatch(from -> from.getSecretRef() != null
                    && from.getSecretRef().getName().equals(service)), service + ": the Secret named in the values");
            // an env entry would win over the same variable from the ConfigMap or the Secret
            assertTrue(container.getEnv() == null || container.getEnv().stream()
                    .allMatch(env -> env.getName().equals("NATS_MANAGE_TOPOLOGY") && !service.equals("session-worker")),
                    service + ": settings come from the ConfigMap and the Secret, not from env entries: " + container.getEnv());
        }
        assertNotNull(one(io.fabric8.kubernetes.api.model.ConfigMap.class, "agent-services").getData().get("NATS_URL"));
    }

    @Test
    void onlyTheWorkerAndTheDashboardGetAToken() {
        for (String service : List.of("webhook-gateway", "runner-api")) {
            assertEquals(Boolean.FALSE, one(ServiceAccount.class, service).getAutomountServiceAccountToken(), service);
            assertEquals(Boolean.FALSE, one(Deployment.class, service).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(),
                    service);
        }
        for (String service : List.of("dashboard-api", "session-worker")) {
            assertEquals(Boolean.TRUE, one(Deployment.class, service).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(),
                    service);
        }
    }

    @Test
    void rbacIsNamespacedRolesInTheSessionsNamespaceWithExactlyTheRightsNamed() {
        assertTrue(install.stream().noneMatch(resource -> resource.getKind().startsWith("Cluster")),
                "no ClusterRole or ClusterRoleBinding");
        List<Role> roles = all(Role.class);
        assertEquals(Set.of("session-worker", "dashboard-api"), roles.stream().map(role -> role.getMetadata().getName()).collect(Collectors.toSet()));
        for (Role role : roles) {
            assertEquals(SESSIONS, role.getMetadata().getNamespace());
            for (PolicyRule rule : role.getRules()) {
                for (List<String> field : List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs())) {
                    assertFalse(field.contains("*"), role.getMetadata().getName() + ": no wildcard");
                }
                assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
            }
        }
        assertEquals(Map.of("pods", Set.of("create", "get", "list", "watch", "delete"),
                "secrets", Set.of("create", "delete")), rights(one(Role.class, "session-worker")));
        assertEquals(Map.of("pods", Set.of("get"), "pods/exec", Set.of("create")), rights(one(Role.class, "dashboard-api")));
        for (RoleBinding binding : all(RoleBinding.class)) {
            assertEquals(SESSIONS, binding.getMetadata().getNamespace());
            assertEquals("Role", binding.getRoleRef().getKind());
            assertEquals(binding.getMetadata().getName(), binding.getSubjects().get(0).getName());
            assertEquals("agent-services", binding.getSubjects().get(0).getNamespace());
        }
    }

    @Test
    void bothNamespacesDenyByDefaultAndSessionPodsReachOnlyRunnerApiDnsAndTheirEgress() {
        List<NetworkPolicy> policies = all(NetworkPolicy.class);
        for (String namespace : List.of("agent-services", SESSIONS)) {
            assertTrue(policies.stream().anyMatch(policy -> namespace.equals(namespaceOf(policy))
                    && empty(policy.getSpec().getPodSelector().getMatchLabels())
                    && empty(policy.getSpec().getPodSelector().getMatchExpressions())
                    && policy.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                    && policy.getSpec().getIngress().isEmpty() && policy.getSpec().getEgress().isEmpty()),
                    "a default-deny policy in " + namespace);
        }
        List<NetworkPolicyEgressRule> sessionEgress = policies.stream().filter(policy -> SESSIONS.equals(namespaceOf(policy)))
                .flatMap(policy -> policy.getSpec().getEgress().stream()).toList();
        assertFalse(sessionEgress.isEmpty());
        for (NetworkPolicyEgressRule rule : sessionEgress) {
            for (NetworkPolicyPeer peer : rule.getTo()) {
                if (peer.getNamespaceSelector() != null) {
                    String namespace = peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
                    assertTrue(Set.of("agent-services", "kube-system").contains(namespace), "session pods reach " + namespace);
                    if (namespace.equals("agent-services")) {
                        assertTrue(Set.of(Map.of("app.kubernetes.io/name", "runner-api"), Map.of("app.kubernetes.io/name", "session-egress"))
                                .contains(peer.getPodSelector().getMatchLabels()),
                                "of the release's pods, session pods reach runner-api and the egress proxy only");
                    }
                } else {
                    fail("session pods reach nothing by address (0.0.0.0/0 or other): only through the egress proxy; " + peer);
                }
            }
            assertTrue(rule.getPorts().stream().noneMatch(port -> port.getPort().getIntVal() != null && port.getPort().getIntVal() == 4222),
                    "session pods never reach NATS");
        }
        for (String service : List.of("webhook-gateway", "runner-api", "dashboard-api")) {
            NetworkPolicy ingress = one(NetworkPolicy.class, service + "-ingress");
            assertEquals(Map.of("app.kubernetes.io/name", service), ingress.getSpec().getPodSelector().getMatchLabels());
            assertEquals("ingress-nginx", ingress.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector()
                    .getMatchLabels().get("kubernetes.io/metadata.name"));
        }
        NetworkPolicy nats = one(NetworkPolicy.class, "services-to-nats-and-dns");
        assertEquals(4222, nats.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal());
        // the history's PostgreSQL: the worker and the dashboard reach it, nobody else
        NetworkPolicy history = one(NetworkPolicy.class, "history-database");
        var selected = history.getSpec().getPodSelector().getMatchExpressions().get(0);
        assertEquals("app.kubernetes.io/name", selected.getKey());
        assertEquals(List.of("session-worker", "dashboard-api"), selected.getValues());
        assertEquals("10.20.0.0/24", history.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getCidr());
        assertEquals(5432, history.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal());
        assertEquals("verify-full", one(io.fabric8.kubernetes.api.model.ConfigMap.class, "agent-services").getData().get("PGSSLMODE"));
    }

    @Test
    void sessionPodsGoOutThroughSquidWhichLetsOnlyItsAllowListThroughAndLogsEachSession() {
        Deployment proxy = one(Deployment.class, "session-egress");
        PodSpec pod = proxy.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(Boolean.TRUE, pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
        assertTrue(pod.getContainers().get(0).getImage().contains("squid"), pod.getContainers().get(0).getImage());
        String squid = one(io.fabric8.kubernetes.api.model.ConfigMap.class, "session-egress").getData().get("squid.conf");
        assertTrue(squid.contains("acl allowed dstdomain api.anthropic.com .github.com"), squid);
        assertTrue(squid.contains("http_access deny !session") && squid.contains("http_access deny all"), squid);
        assertTrue(squid.contains("logformat session %ts.%03tu session=%un"), squid);
        assertEquals("session-egress.agent-services.svc.cluster.local:3128",
                one(io.fabric8.kubernetes.api.model.ConfigMap.class, "agent-services").getData().get("SESSION_KUBERNETES_EGRESS_PROXY"));
        NetworkPolicy policy = one(NetworkPolicy.class, "session-egress");
        assertEquals(SESSIONS, policy.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels()
                .get("kubernetes.io/metadata.name"), "only session pods reach the proxy");
        assertTrue(policy.getSpec().getEgress().stream().flatMap(rule -> rule.getTo().stream()).filter(peer -> peer.getIpBlock() != null)
                .allMatch(peer -> peer.getIpBlock().getExcept().containsAll(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))),
                "the proxy itself reaches no private address (NATS, the services)");
    }

    /**
     * The chart's squid.conf, run by a real Squid (Debian's): a request without the session's name is refused (407), one
     * to a domain off the allow-list is refused (403), one to an allowed domain goes through, and the access log names
     * the session of each. Only what a test needs differs from the chart's: its port and files, and a local site added
     * to the allow-list (and its port to the safe ones) in place of the public ones this machine cannot reach.
     */
    @Test
    void theProxyLetsOnlyItsAllowListThroughAndLogsTheSessionOfEachRequest() throws Exception {
        com.sun.net.httpserver.HttpServer site = localSite();
        Path dir = Files.createTempDirectory("squid-");
        int port = freePort();
        String conf = squidFiles(one(io.fabric8.kubernetes.api.model.ConfigMap.class, "session-egress").getData().get("squid.conf"), dir, site)
                .replace("http_port 3128", "http_port 127.0.0.1:" + port)
                .replace("acl allowed dstdomain ", "acl allowed dstdomain localhost ");
        Process proxy = squid(conf, dir, port);
        try {
            String local = "http://localhost:" + site.getAddress().getPort() + "/";
            assertEquals("407", curl("http://127.0.0.1:" + port, local), "a request that names no session");
            assertEquals("200", curl("http://0f3a9c2e-1111:run@127.0.0.1:" + port, local), "an allowed domain");
            assertEquals("403", curl("http://0f3a9c2e-1111:run@127.0.0.1:" + port, "http://example.org/"), "a domain off the list");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("access.log"))
                    && Files.readString(dir.resolve("access.log")).contains("example.org"));
            String log = Files.readString(dir.resolve("access.log"));
            assertTrue(log.lines().anyMatch(line -> line.contains("session=0f3a9c2e-1111") && line.contains(local) && line.contains(" 200 ")), log);
            assertTrue(log.lines().anyMatch(line -> line.contains("session=0f3a9c2e-1111") && line.contains("example.org") && line.contains(" 403 ")), log);
        } finally {
            stop(proxy);
            site.stop(0);
        }
    }

    /**
     * A team (and an agent) with a proxy port of their own (sessionEgressProxy.teams, .agents): the worker is told the
     * ports, only the team's (the agent's) pods may reach each, and there (on a real Squid) their own domain goes
     * through, which the shared port refuses.
     */
    @Test
    void aTeamsOwnProxyPortLetsItsOwnDomainsThroughAndOnlyItsPodsMayReachIt() throws Exception {
        List<HasMetadata> withTeam = load(render("--set-json",
                "sessionEgressProxy.teams={\"payments\":{\"port\":3130,\"allowedDomains\":[\"localhost\"]}}",
                "--set-json", "sessionEgressProxy.agents={\"dolly\":{\"port\":3140,\"allowedDomains\":[\"localhost\"]}}"));
        NetworkPolicy agentPolicy = withTeam.stream().filter(r -> r instanceof NetworkPolicy && r.getMetadata().getName()
                .equals("session-egress-agent-dolly")).map(NetworkPolicy.class::cast).findFirst().orElseThrow();
        assertEquals(Map.of("app.kubernetes.io/managed-by", "agent-services", "agent-services.dev/agent", "dolly"),
                agentPolicy.getSpec().getPodSelector().getMatchLabels());
        assertEquals("dolly=3140", withTeam.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap
                && r.getMetadata().getName().equals("agent-services")).map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
                .findFirst().orElseThrow().getData().get("SESSION_KUBERNETES_EGRESS_AGENT_PORTS"));
        NetworkPolicy team = withTeam.stream().filter(r -> r instanceof NetworkPolicy && r.getMetadata().getName()
                .equals("session-egress-team-payments")).map(NetworkPolicy.class::cast).findFirst().orElseThrow();
        assertEquals(SESSIONS, team.getMetadata().getNamespace());
        assertEquals(Map.of("app.kubernetes.io/managed-by", "agent-services", "agent-services.dev/team", "payments"),
                team.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of(3130), team.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                .map(port -> port.getPort().getIntVal()).toList());
        assertEquals("payments=3130", withTeam.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap
                && r.getMetadata().getName().equals("agent-services")).map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
                .findFirst().orElseThrow().getData().get("SESSION_KUBERNETES_EGRESS_TEAM_PORTS"));
        // no other team's pods: the shared policy still allows the shared port only
        assertTrue(withTeam.stream().filter(r -> r instanceof NetworkPolicy && SESSIONS.equals(r.getMetadata().getNamespace())
                && !r.getMetadata().getName().equals("session-egress-team-payments")
                && !r.getMetadata().getName().equals("session-egress-agent-dolly")).map(NetworkPolicy.class::cast)
                .flatMap(policy -> policy.getSpec().getEgress() == null ? java.util.stream.Stream.empty() : policy.getSpec().getEgress().stream())
                .flatMap(rule -> rule.getPorts() == null ? java.util.stream.Stream.empty() : rule.getPorts().stream())
                .noneMatch(port -> port.getPort() != null && Integer.valueOf(3130).equals(port.getPort().getIntVal())));

        com.sun.net.httpserver.HttpServer site = localSite();
        Path dir = Files.createTempDirectory("squid-");
        int shared = freePort();
        int own = freePort();
        int agents = freePort();
        String conf = squidFiles(withTeam.stream().filter(r -> r instanceof io.fabric8.kubernetes.api.model.ConfigMap
                && r.getMetadata().getName().equals("session-egress")).map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
                .findFirst().orElseThrow().getData().get("squid.conf"), dir, site)
                .replace("http_port 3128", "http_port 127.0.0.1:" + shared)
                .replace("http_port 3130 name=team-payments", "http_port 127.0.0.1:" + own + " name=team-payments")
                .replace("http_port 3140 name=agent-dolly", "http_port 127.0.0.1:" + agents + " name=agent-dolly");
        Process proxy = squid(conf, dir, shared);
        try {
            String local = "http://localhost:" + site.getAddress().getPort() + "/";
            assertEquals("200", curl("http://0f3a9c2e-2222:run@127.0.0.1:" + own, local), "the team's own domain on its port");
            assertEquals("403", curl("http://0f3a9c2e-3333:run@127.0.0.1:" + shared, local), "not on the shared port");
            assertEquals("403", curl("http://0f3a9c2e-2222:run@127.0.0.1:" + own, "http://example.org/"), "nor anything else");
            assertEquals("407", curl("http://127.0.0.1:" + own, local), "its runs name their session there too");
            assertEquals("200", curl("http://0f3a9c2e-4444:run@127.0.0.1:" + agents, local), "the agent's own domain on its port");
        } finally {
            stop(proxy);
            site.stop(0);
        }
    }

    /** A local site that answers "inside": what the proxy tests reach in place of the public ones. */
    private static com.sun.net.httpserver.HttpServer localSite() throws IOException {
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            byte[] body = "inside".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
        return site;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The chart's squid.conf with its files in {@code dir} (a test's own, writable by Squid's user), and the local
     * site's port among the safe ones.
     */
    private static String squidFiles(String conf, Path dir, com.sun.net.httpserver.HttpServer site) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return conf.replace("pid_filename /tmp/squid.pid", "pid_filename " + dir.resolve("squid.pid"))
                .replace("coredump_dir /tmp", "coredump_dir " + dir)
                .replace("access_log stdio:/dev/stdout", "access_log stdio:" + dir.resolve("access.log"))
                .replace("cache_log stdio:/dev/stderr", "cache_log stdio:" + dir.resolve("cache.log"))
                .replace("acl Safe_ports port 80 443", "acl Safe_ports port 80 443 " + site.getAddress().getPort());
    }

    /** Debian's Squid on {@code conf}, once it listens on {@code port}. */
    private static Process squid(String conf, Path dir, int port) throws IOException {
        Path squid = Path.of("/usr/sbin/squid");
        assertTrue(Files.isExecutable(squid), "squid is missing: deploy/test.sh installs it (apt-get install squid)");
        Files.writeString(dir.resolve("squid.conf"), conf);
        Process proxy = new ProcessBuilder(squid.toString(), "-N", "-d", "1", "-f", dir.resolve("squid.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("squid.out").toFile()).start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return proxy;
    }

    private static void stop(Process proxy) throws InterruptedException {
        proxy.destroy();
        proxy.waitFor(10, TimeUnit.SECONDS);
        proxy.destroyForcibly();
    }

    /** The HTTP status of GET {@code url} through {@code proxy}. */
    private static String curl(String proxy, String url) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-x", proxy, url)
                .redirectErrorStream(true).start();
        String code = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        curl.waitFor();
        return code;
    }

    @Test
    void theGatewayRunnerApiAndDashboardScaleWithAnAutoscalingV2Hpa() {
        for (String service : List.of("webhook-gateway", "runner-api", "dashboard-api")) {
            HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, service);
            assertEquals("autoscaling/v2", hpa.getApiVersion());
            assertEquals(service, hpa.getSpec().getScaleTargetRef().getName());
            assertTrue(hpa.getSpec().getMinReplicas() >= 2, service + ": two replicas at least");
        }
        assertTrue(all(HorizontalPodAutoscaler.class).stream().noneMatch(hpa -> hpa.getMetadata().getName().equals("session-worker")));
    }

    @Test
    void serviceMonitorsAreThereUnlessTurnedOff() throws Exception {
        assertEquals(4, install.stream().filter(resource -> resource.getKind().equals("ServiceMonitor")).count());
        List<HasMetadata> without = load(render("--set", "webhook-gateway.app.serviceMonitor.enabled=false"));
        assertEquals(3, without.stream().filter(resource -> resource.getKind().equals("ServiceMonitor")).count());
    }

    @Test
    void everyRenderedObjectPassesTheKubernetesApiSchemas() throws Exception {
        for (String[] variant : new String[][] {{}, {"--set", "exposure.ingress.enabled=false", "--set", "exposure.gatewayApi.enabled=true"}}) {
            Path rendered = Files.createTempFile("install", ".yaml");
            Files.writeString(rendered, render(variant));
            Process validate = new ProcessBuilder(ROOT.resolve("deploy/kubernetes/validate.sh").toString(), rendered.toString())
                    .redirectErrorStream(true).start();
            String report = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, validate.waitFor(), report);
            assertTrue(report.strip().endsWith("objects, 0 failures"), report);
        }
    }

    @Test
    void theGatewayRunnerApiAndDashboardAreReachedOverTlsOnTheirPublicPathsOnly() throws Exception {
        Map<String, String> hosts = Map.of("webhook-gateway", "hooks.agents.example.com", "runner-api", "runner.agents.example.com",
                "dashboard-api", "agents.example.com");
        for (Map.Entry<String, String> service : hosts.entrySet()) {
            Ingress ingress = one(Ingress.class, service.getKey());
            assertEquals(List.of(service.getValue()), ingress.getSpec().getTls().get(0).getHosts(), service.getKey());
            assertEquals(service.getKey() + "-tls", ingress.getSpec().getTls().get(0).getSecretName());
            assertEquals("letsencrypt", ingress.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
            var rule = ingress.getSpec().getRules().get(0);
            assertEquals(service.getValue(), rule.getHost());
            for (var path : rule.getHttp().getPaths()) {
                assertEquals(service.getKey(), path.getBackend().getService().getName());
                assertFalse(path.getPath().startsWith("/q"), service.getKey() + " exposes " + path.getPath());
                assertFalse(path.getPath().startsWith("/local"), "the local sign-in is never public");
            }
        }
        assertEquals(List.of("/webhooks/"), one(Ingress.class, "webhook-gateway").getSpec().getRules().get(0).getHttp().getPaths()
                .stream().map(path -> path.getPath()).toList());
        assertTrue(all(Ingress.class).stream().noneMatch(ingress -> ingress.getMetadata().getName().equals("session-worker")));

        List<HasMetadata> routes = load(render("--set", "exposure.ingress.enabled=false", "--set", "exposure.gatewayApi.enabled=true"))
                .stream().filter(resource -> resource.getKind().equals("HTTPRoute")).toList();
        assertEquals(Set.of("webhook-gateway", "runner-api", "dashboard-api"),
                routes.stream().map(route -> route.getMetadata().getName()).collect(Collectors.toSet()));
    }

    @Test
    void aMistypedOrMissingValueIsRefusedByTheChartsSchema() throws Exception {
        String mistyped = renderFailing("--set", "networkPolicies.enabled=yes");
        assertTrue(mistyped.contains("/networkPolicies/enabled") && mistyped.contains("want boolean"), mistyped);
        String noHost = renderFailing("--set", "exposure.services.dashboard-api.host=");
        assertTrue(noHost.contains("/exposure/services/dashboard-api/host"), noHost);
        String internalPath = renderFailing("--set", "exposure.services.runner-api.paths[0].path=/q/metrics");
        assertTrue(internalPath.contains("/exposure/services/runner-api/paths/0/path"), internalPath);
    }

    /** Renders with {@code helmArgs}, which must fail; returns what helm said. */
    private static String renderFailing(String... helmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("deploy/kubernetes/render.sh").toString(),
                ROOT.resolve("deploy/kubernetes/values-production.yaml").toString()));
        command.addAll(List.of(helmArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("RENDER_BUILD", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertTrue(process.exitValue() != 0, "render.sh took " + String.join(" ", helmArgs));
        return output;
    }

    private static boolean empty(Object selector) {
        return selector == null || (selector instanceof Map<?, ?> map && map.isEmpty())
                || (selector instanceof List<?> list && list.isEmpty());
    }

    private static void assertProbe(Probe probe, String path, String service) {
        assertNotNull(probe, service + " " + path);
        assertEquals(path, probe.getHttpGet().getPath(), service);
    }

    private static Map<String, Set<String>> rights(Role role) {
        return role.getRules().stream().flatMap(rule -> rule.getResources().stream().map(resource -> Map.entry(resource, rule.getVerbs())))
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> Set.copyOf(entry.getValue())));
    }

    private static String namespaceOf(HasMetadata resource) {
        return resource.getMetadata().getNamespace() == null ? "agent-services" : resource.getMetadata().getNamespace();
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return install.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(resource -> resource.getMetadata().getName().equals(name)).toList();
        assertEquals(1, found.size(), type.getSimpleName() + " " + name);
        return found.get(0);
    }

    private static String render(String... helmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("deploy/kubernetes/render.sh").toString(),
                ROOT.resolve("deploy/kubernetes/values-production.yaml").toString()));
        command.addAll(List.of(helmArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("RENDER_BUILD", "0");
        builder.environment().put("RENDER_LINT", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), "render.sh failed:\n" + output);
        return output;
    }

    private static List<HasMetadata> load(String yaml) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        }
    }
}

package dev.agentservices.common.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The images the project's defaults name are the ones its Images workflow publishes: a cluster without
 * {@code RUNNER_IMAGE} pulls a runner that exists, and the chart's services' images too.
 */
class ImageNamesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theWorkersDefaultRunnerImageIsTheOneTheWorkflowPublishes() throws Exception {
        String image = RunnerConfig.class.getMethod("image").getAnnotation(WithDefault.class).value();
        assertEquals("ghcr.io/agent-services/agent-runner:latest", image);
        String workflow = Files.readString(ROOT.resolve(".github/workflows/images.yml"));
        assertTrue(workflow.contains("ghcr.io/${{ github.repository_owner }}/agent-runner:latest"), "the workflow pushes " + image);
    }

    @Test
    void theChartsServiceImagesAreTheOnesTheWorkflowPublishes() throws Exception {
        String workflow = Files.readString(ROOT.resolve(".github/workflows/images.yml"));
        assertTrue(workflow.contains("-Dquarkus.container-image.group=${{ github.repository_owner }}")
                && workflow.contains("-Dquarkus.container-image.additional-tags=main,latest"), workflow);
        for (String values : new String[] {"deploy/kubernetes/agent-services/values.yaml", "deploy/kubernetes/values-production.yaml"}) {
            String text = Files.readString(ROOT.resolve(values));
            for (String service : new String[] {"webhook-gateway", "runner-api", "dashboard-api", "session-worker"}) {
                assertTrue(text.contains("image: ghcr.io/agent-services/" + service + ":latest"), values + " names " + service);
            }
        }
        assertTrue(Files.readString(ROOT.resolve("deploy/kubernetes/values-production.yaml"))
                .contains("RUNNER_IMAGE: ghcr.io/agent-services/agent-runner:latest"));
    }
}

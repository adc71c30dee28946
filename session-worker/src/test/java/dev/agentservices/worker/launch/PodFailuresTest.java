package dev.agentservices.worker.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodFailuresTest {

    @Test
    void aPodInTheGracePeriodOfItsDeletionIsStillRunningItsRun() {
        // a pause deletes the pod with a grace period, in which the runner saves its state and reports the pause
        Pod deleting = new PodBuilder().withNewMetadata().withName("p").withDeletionTimestamp("2026-11-29T15:00:00Z")
                .endMetadata().withNewStatus().withPhase("Running").endStatus().build();
        assertEquals(Optional.empty(), PodFailures.reason(deleting));
    }

    @Test
    void aPodThatIsGoneOrOutOfMemoryIsSaidSoInWords() {
        assertEquals("its pod was deleted", PodFailures.reason(null).orElseThrow().reason());
        Pod oom = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
                .addNewContainerStatus().withNewState().withNewTerminated().withReason("OOMKilled").withExitCode(137)
                .endTerminated().endState().endContainerStatus().endStatus().build();
        SessionLauncher.Gone gone = PodFailures.reason(oom).orElseThrow();
        assertEquals("the agent ran out of memory (OOMKilled), exit code 137", gone.reason());
        assertTrue(!gone.remove(), "a failed pod stays for its logs");
    }
}

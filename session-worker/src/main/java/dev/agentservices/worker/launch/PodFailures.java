package dev.agentservices.worker.launch;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why a session pod is no longer running its run, in words for the people in the thread: gone (deleted or
 * evicted and removed; one still in its grace period after a delete, such as a pause saving its state, is
 * still running), ended, failed (the container's reason and exit code, such as {@code OOMKilled}, or
 * the pod's, such as {@code DeadlineExceeded} or {@code Evicted}), or stuck before it could start (an image
 * that cannot be pulled, a configuration error). Empty while it runs or is starting normally.
 */
final class PodFailures {

    /** Waiting reasons a pod does not recover from by itself. */
    private static final Set<String> STUCK = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError");

    private static final String CANNOT_START = "its pod cannot start: ";

    private PodFailures() {
    }

    static Optional<SessionLauncher.Gone> reason(Pod pod) {
        return words(pod).map(reason -> new SessionLauncher.Gone(reason, reason.startsWith(CANNOT_START)));
    }

    private static Optional<String> words(Pod pod) {
        if (pod == null) {
            return Optional.of("its pod was deleted");
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        List<ContainerStatus> containers = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
        if ("Failed".equals(phase)) {
            return Optional.of(containers.stream().map(ContainerStatus::getState).map(PodFailures::terminated)
                    .flatMap(Optional::stream).findFirst()
                    .orElseGet(() -> "its pod failed" + podReason(pod)));
        }
        if ("Succeeded".equals(phase)) {
            return Optional.of("its pod stopped without reporting the turn");
        }
        if ("Pending".equals(phase)) {
            return containers.stream().map(ContainerStatus::getState)
                    .filter(state -> state != null && state.getWaiting() != null && STUCK.contains(state.getWaiting().getReason()))
                    .findFirst().map(state -> CANNOT_START + state.getWaiting().getReason()
                            + (state.getWaiting().getMessage() == null ? "" : " (" + state.getWaiting().getMessage() + ")"));
        }
        return Optional.empty();
    }

    private static Optional<String> terminated(ContainerState state) {
        if (state == null || state.getTerminated() == null) {
            return Optional.empty();
        }
        var terminated = state.getTerminated();
        String reason = "OOMKilled".equals(terminated.getReason()) ? "the agent ran out of memory (OOMKilled)"
                : "its container ended with " + (terminated.getReason() == null ? "an error" : terminated.getReason());
        return Optional.of(reason + (terminated.getExitCode() == null ? "" : ", exit code " + terminated.getExitCode()));
    }

    private static String podReason(Pod pod) {
        String reason = pod.getStatus().getReason();
        String message = pod.getStatus().getMessage();
        return (reason == null ? "" : ": " + reason) + (message == null ? "" : " (" + message + ")");
    }
}

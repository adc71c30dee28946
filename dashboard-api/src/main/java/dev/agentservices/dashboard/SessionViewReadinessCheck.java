package dev.agentservices.dashboard;

import dev.agentservices.common.session.SessionView;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the view has read every session: before that, lists and metrics would be partial. */
@Readiness
@Singleton
public class SessionViewReadinessCheck implements HealthCheck {

    private final SessionView view;

    public SessionViewReadinessCheck(SessionView view) {
        this.view = view;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("session-view").status(view.isReady()).build();
    }
}

package dev.agentservices.dashboard;

import dev.agentservices.common.session.SessionView;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** The dashboard reads every list and stream from the session view: it starts watching with the service. */
@Singleton
public class SessionViewStartup {

    void start(@Observes StartupEvent event, SessionView view) {
        view.start();
    }
}

package dev.agentservices.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@QuarkusTestResource(NatsTestResource.class)
@Tag("component")
class SessionViewTest {

    @Inject
    SessionView view;

    @Inject
    SessionStore store;

    @Test
    void newAndChangedSessionsAppearWithTheirRevision() {
        String marker = UUID.randomUUID().toString();
        String id = open("buck", "C0VIEW", marker, Instant.now());
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());

        long revision = store.update(id, s -> s.withStatus(SessionStatus.RUNNING, "session-x-1", Instant.now())).revision();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).map(v -> v.revision() == revision).orElse(false));
        assertEquals(SessionStatus.RUNNING, view.get(id).orElseThrow().session().status());
        assertTrue(view.isReady());
    }

    @Test
    void listenersHearEveryChange() {
        List<SessionView.Versioned> heard = Collections.synchronizedList(new ArrayList<>());
        Runnable remove = view.addListener(heard::add);
        String id = open("buck", "C0HEAR", UUID.randomUUID().toString(), Instant.now());
        store.update(id, s -> s.withStatus(SessionStatus.RUNNING, "session-y-1", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream().anyMatch(v -> v.session().id().equals(id)
                && v.session().status() == SessionStatus.RUNNING));
        remove.run();
    }

    @Test
    void listFiltersAndPagesNewestFirst() {
        String marker = "page-" + UUID.randomUUID();
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(open(i % 2 == 0 ? "buck" : "dolly", "C0LIST", marker + " number " + i, base.plusSeconds(i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> view.get(id).isPresent()));

        SessionQuery byText = new SessionQuery(Set.of(), Set.of(), Set.of(), Set.of(), marker.toUpperCase(), null, null);
        SessionView.Page first = view.list(byText, 2, "");
        assertEquals(5, first.totalSize());
        assertEquals(List.of(ids.get(4), ids.get(3)), first.sessions().stream().map(Session::id).toList());
        SessionView.Page second = view.list(byText, 2, first.nextPageToken());
        assertEquals(List.of(ids.get(2), ids.get(1)), second.sessions().stream().map(Session::id).toList());
        SessionView.Page last = view.list(byText, 2, second.nextPageToken());
        assertEquals(List.of(ids.get(0)), last.sessions().stream().map(Session::id).toList());
        assertEquals("", last.nextPageToken());

        SessionQuery dollyOnly = new SessionQuery(Set.of("dolly"), Set.of(SessionSource.SLACK), Set.of(SessionStatus.PENDING),
                Set.of(), marker, base, base.plusSeconds(4));
        assertEquals(List.of(ids.get(3), ids.get(1)), view.list(dollyOnly, 50, null).sessions().stream().map(Session::id).toList());
        assertThrows(SessionView.InvalidPageTokenException.class, () -> view.list(byText, 2, "not-a-token"));
    }

    private String open(String agent, String channel, String text, Instant createdAt) {
        SessionKey key = SessionKey.slack(agent, channel, "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, null, text, Origin.slack(channel, "1"), createdAt))
                .versioned().session().id();
        store.update(id, s -> s.withMessage(new SessionMessage("U0ANA", text, List.of(), createdAt), "m1"));
        return id;
    }
}

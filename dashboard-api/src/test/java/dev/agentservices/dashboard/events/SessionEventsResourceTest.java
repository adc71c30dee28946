package dev.agentservices.dashboard.events;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class SessionEventsResourceTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Test
    void currentStateFirstThenEveryChangeWithItsRevision() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        List<String> lines = open(session.id(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"status\":\"PENDING\"")));

        long revision = store.update(session.id(), s -> s.withStatus(SessionStatus.RUNNING, "session-abc-1", Instant.now()))
                .revision();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("id:" + revision)
                && lines.stream().anyMatch(l -> l.contains("\"status\":\"RUNNING\"") && l.contains("\"pod_name\":\"session-abc-1\"")));
        // only the standard fields: id, event, data and comments
        assertTrue(lines.stream().allMatch(l -> l.isEmpty() || l.startsWith("id:") || l.startsWith("event:")
                || l.startsWith("data:") || l.startsWith(":")), lines.toString());
    }

    @Test
    void aTurnsUsageAndCostReachTheEventsInSnakeCase() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        List<String> lines = open(session.id(), null);
        Instant now = Instant.now();
        store.update(session.id(), s -> s.withNextTurn(new dev.agentservices.common.session.SessionMessage("U0ANA", "go",
                List.of(), now), now).withStatus(SessionStatus.RUNNING, "pod-cost", now).withTurnOutcome(1, SessionStatus.SUCCEEDED,
                "Done.", List.of(), new dev.agentservices.common.session.Usage(10, 20, 30, 40, 0.125, 500), null, null, "o", now));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"cost_usd\":0.125")
                && l.contains("\"cache_read_tokens\":40") && l.contains("\"pod_seconds\":")));
    }

    @Test
    void theTurnsProgressIsLiveWhileItRunsAndGoneOnceItEnded() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        List<String> lines = open(session.id(), null);
        Instant now = Instant.now();
        store.update(session.id(), s -> s.withNextTurn(new dev.agentservices.common.session.SessionMessage("U0ANA", "go",
                List.of(), now), now).withStatus(SessionStatus.RUNNING, "pod-progress", now));
        store.update(session.id(), s -> s.withProgress(new dev.agentservices.common.session.Progress(s.run(), s.turn(), 4,
                "Bash: npm test", now, null, null)));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"progress\":{\"turn\":1,\"steps\":4,"
                + "\"step\":\"Bash: npm test\"")));
        long ended = store.update(session.id(), s -> s.withTurnOutcome(1, SessionStatus.SUCCEEDED, "Done.", List.of(), null, null, null,
                "o", now)).revision();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("id:" + ended) && lines.size() > lines.indexOf("id:" + ended) + 2);
        String data = lines.get(lines.indexOf("id:" + ended) + 2);
        assertTrue(data.contains("SUCCEEDED") && !data.contains("\"steps\""), data);
    }

    @Test
    void manyClientsOnOneSessionAllHearTheChange() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        List<List<String>> clients = Stream.generate(() -> open(session.id(), null)).limit(20).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.stream().anyMatch(l -> l.contains("PENDING"))));
        store.update(session.id(), s -> s.withStatus(SessionStatus.RUNNING, "pod-many", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.stream().anyMatch(l -> l.contains("pod-many"))));
    }

    @Test
    void lastEventIdResumesAfterWhatTheClientHad() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        long had = view.get(session.id()).orElseThrow().revision();
        List<String> lines = open(session.id(), Long.toString(had));
        store.update(session.id(), s -> s.withStatus(SessionStatus.RUNNING, "pod-resumed", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("pod-resumed")));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"status\":\"PENDING\"")), lines.toString());
    }

    @Test
    void unknownSessionIs404AndAnotherTeamsIs403AndNoTokenIs401() {
        String token = DashboardTestProfile.memberToken();
        given().auth().oauth2(token).get("/api/sessions/" + UUID.randomUUID() + "/events")
                .then().statusCode(404).body("error", equalTo("not_found"));
        Session other = new DashboardFixtures(store, view).session("team-b");
        given().auth().oauth2(token).get("/api/sessions/" + other.id() + "/events")
                .then().statusCode(403).body("error", equalTo("permission_denied"));
        given().get("/api/sessions/" + other.id() + "/events").then().statusCode(401);
    }

    private List<String> open(String id, String lastEventId) {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/sessions/" + id + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + DashboardTestProfile.memberToken());
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(lines::add));
        return lines;
    }

}

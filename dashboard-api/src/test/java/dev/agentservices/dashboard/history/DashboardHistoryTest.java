package dev.agentservices.dashboard.history;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.history.HistoryConfig;
import dev.agentservices.common.testing.PgTestServer;
import dev.agentservices.dashboard.DashboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The dashboard's reads from the history in a real PostgreSQL (rows as the worker's projector writes them): lists page
 * by cursor with filters and text search over titles and messages, members see only their teams' rows, an archived
 * session is shown whole, and metrics count what the history holds.
 */
@QuarkusTest
@TestProfile(DashboardHistoryTestProfile.class)
@Tag("component")
class DashboardHistoryTest {

    static final String BASE = "/api/dashboard/api.v1.DashboardService/";
    private static boolean migrated;

    @Inject
    HistoryConfig history;

    @Inject
    dev.agentservices.common.session.SessionStore store;

    @BeforeEach
    void schema() throws Exception {
        if (!migrated) {
            for (String migration : List.of("V1__history.sql", "V2__spend.sql")) {
                PgTestServer.shared().psql(history.database(),
                        Files.readString(Path.of("../session-worker/src/main/resources/db/history/" + migration)));
            }
            migrated = true;
        }
    }

    @Test
    void membersListOnlyTheirTeamsRowsFilteredAndPagedByCursor() {
        String word = "w" + UUID.randomUUID().toString().substring(0, 8);
        String a1 = row("team-a", "SUCCEEDED", word + " first", 3);
        String a2 = row("team-a", "SUCCEEDED", word + " second", 2);
        String a3 = row("team-a", "FAILED", word + " third", 1);
        String b = row("team-b", "SUCCEEDED", word + " other team", 0);
        String none = row(null, "SUCCEEDED", word + " no team", 0);

        String first = "{\"text\":\"" + word + "\",\"statuses\":[\"SESSION_STATUS_SUCCEEDED\"],\"pageSize\":1}";
        String token = given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body(first)
                .post(BASE + "ListSessions").then().statusCode(200).body("sessions.id", contains(a2)).body("totalSize", equalTo(2))
                .extract().path("nextPageToken");
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body(first.replace("}", ",\"pageToken\":\"" + token + "\"}")).post(BASE + "ListSessions")
                .then().statusCode(200).body("sessions.id", contains(a1)).body("nextPageToken", equalTo(null));

        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"text\":\"" + word + "\"}").post(BASE + "ListSessions")
                .then().statusCode(200).body("sessions.id", contains(a3, a2, a1)).body("sessions.id", not(hasItem(b)))
                .body("sessions.id", not(hasItem(none)));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"text\":\"" + word + "\",\"teams\":[\"team-b\"]}").post(BASE + "ListSessions")
                .then().statusCode(403);
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"text\":\"" + word + "\"}").post(BASE + "ListSessions")
                .then().statusCode(200).body("sessions.id", containsInAnyOrder(a1, a2, a3, b, none));
    }

    @Test
    void textSearchFindsWordsOfMessagesAndForeignPageTokensAreRefused() {
        String word = "m" + UUID.randomUUID().toString().substring(0, 8);
        String id = row("team-a", "SUCCEEDED", "a title", 0);
        // as the worker's projector writes a message: its row, and its words in the session's search vector
        psql("INSERT INTO session_messages (session_id, message_id, at, author, text) VALUES ('" + id + "', 'x', now(), 'U1',"
                + " 'please look at " + word + " today')");
        psql("UPDATE session_search SET words = words || strip(to_tsvector('simple', 'please look at " + word + " today'))"
                + " WHERE session_id = '" + id + "'");
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"text\":\"" + word.toUpperCase() + "\"}").post(BASE + "ListSessions")
                .then().statusCode(200).body("sessions.id", contains(id));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"text\":\"nothing-like-" + word + "\"}").post(BASE + "ListSessions")
                .then().statusCode(200).body("sessions.id", not(hasItem(id)));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"pageToken\":\"aDoxOjE=\"}").post(BASE + "ListSessions")
                .then().statusCode(400).body("code", equalTo("invalid_argument"));
        // text PostgreSQL cannot hold (NUL), query syntax and a team name with NUL find nothing, and fail nothing
        for (String text : new String[] {"\\u0000" + word, word + " & !| <-> ( :*", "'); DROP TABLE sessions; --"}) {
            given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                    .body("{\"text\":\"" + text + "\",\"teams\":[\"team-a\\u0000\"]}").post(BASE + "ListSessions")
                    .then().statusCode(200).body("sessions.id", not(hasItem(id)));
        }
    }

    @Test
    void anArchivedSessionIsShownWholeToItsTeamOnly() {
        String id = UUID.randomUUID().toString();
        String record = "{\"v\":2,\"id\":\"" + id + "\",\"agent\":\"buck\",\"source\":\"slack\",\"key\":\"buck:slack:C1:1.2\","
                + "\"team\":\"team-a\",\"title\":\"archived\",\"status\":\"SUCCEEDED\","
                + "\"run\":1,\"turn\":1,\"runEnded\":true,\"messages\":[{\"author\":\"U1\",\"text\":\"the question\","
                + "\"time\":\"2026-12-01T10:00:00Z\"}],\"lastAssistantMessage\":\"the answer\",\"createdAt\":\"2026-12-01T10:00:00Z\"}";
        psql("INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, created_at, archived_at, record)"
                + " VALUES ('" + id + "', 9, 'buck', 'team-a', 'slack', 'buck:slack:C1:1.2', 'archived', 'SUCCEEDED',"
                + " '2026-12-01T10:00:00Z', now(), '" + record + "')");
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{\"id\":\"" + id + "\"}")
                .post(BASE + "GetSession").then().statusCode(200).body("session.messages.text", contains("the question"))
                .body("session.lastAssistantMessage", equalTo("the answer"));
        // its live status stream shows it as the history holds it, and streams again once a message brings it back
        List<String> events = events(id);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertTrue(events.get(0).contains("\"status\":\"SUCCEEDED\"") && events.get(0).contains("the answer"), events.get(0));
        dev.agentservices.common.model.SessionKey key = dev.agentservices.common.model.SessionKey.parse("buck:slack:C1:1.2");
        store.open(key, id, newId -> dev.agentservices.common.session.Session.open(newId, key, "team-a", "archived", null,
                Instant.now()));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> events.size() > 1);
        assertTrue(events.get(1).contains("\"status\":\"PENDING\""), events.get(1));
        store.delete(store.get(id).orElseThrow().session());

        psql("UPDATE sessions SET team = 'team-b', record = replace(record, 'team-a', 'team-b') WHERE id = '" + id + "'");
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{\"id\":\"" + id + "\"}")
                .post(BASE + "GetSession").then().statusCode(403);
        given().auth().oauth2(DashboardTestProfile.memberToken()).get("/api/sessions/" + id + "/events")
                .then().statusCode(403).body("error", equalTo("permission_denied"));
        given().auth().oauth2(DashboardTestProfile.memberToken()).get("/api/sessions/" + UUID.randomUUID() + "/events")
                .then().statusCode(404).body("error", equalTo("not_found"));
    }

    /** The data lines of the session's event stream as they come, as a browser's EventSource gets them. */
    private static List<String> events(String id) {
        List<String> data = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/api/sessions/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + DashboardTestProfile.memberToken()).build();
        java.net.http.HttpClient.newHttpClient().sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().filter(line -> line.startsWith("data:")).forEach(data::add));
        return data;
    }

    @Test
    void metricsAreTheHistorysAggregatesOfTheRangeForTheTeamsTheUserSees() {
        Instant day = Instant.parse("2025-03-01T00:00:00Z");
        ended("team-a", "SUCCEEDED", day.plusSeconds(600), 60);
        ended("team-a", "SUCCEEDED", day.plusSeconds(4000), 120);
        ended("team-a", "FAILED", day.plusSeconds(4100), 30);
        ended("team-b", "FAILED", day.plusSeconds(700), 10);
        String range = "{\"from\":\"2025-03-01T00:00:00Z\",\"to\":\"2025-03-01T03:00:00Z\",\"bucketSeconds\":3600}";
        double successRate = given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body(range)
                .post(BASE + "GetMetrics").then().statusCode(200)
                .body("total", equalTo("3")).body("byStatus.SUCCEEDED", equalTo("2")).body("byStatus.FAILED", equalTo("1"))
                .body("byTeam.'team-b'", equalTo(null))
                .body("durationP50Seconds", equalTo(60.0f)).body("durationP99Seconds", equalTo(120.0f))
                .body("buckets.created", contains("1", "2", null)).body("buckets.succeeded", contains("1", "1", null))
                .body("usage.inputTokens", equalTo("300")).extract().jsonPath().getDouble("successRate");
        org.junit.jupiter.api.Assertions.assertEquals(2 / 3.0, successRate, 1e-6);
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json").body(range)
                .post(BASE + "GetMetrics").then().statusCode(200).body("total", equalTo("4")).body("byTeam.'team-b'", equalTo("1"));
    }

    @Test
    void budgetsShowWhatTheHistorysLedgerSaysTheTeamSpentThisMonth() {
        String team = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        psql("INSERT INTO usage_per_day (team, day, cost_usd, turns) VALUES ('" + team + "', '" + today.withDayOfMonth(1)
                + "', 0.40, 2), ('" + team + "', '" + today + "', 0.35, 1) ON CONFLICT (team, day) DO UPDATE SET cost_usd ="
                + " usage_per_day.cost_usd + excluded.cost_usd");
        // last month's spend is not this month's
        psql("INSERT INTO usage_per_day (team, day, cost_usd) VALUES ('" + team + "', '" + today.withDayOfMonth(1).minusDays(1)
                + "', 100)");
        String admin = DashboardTestProfile.adminToken();
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"settings\":{\"teamId\":\"" + team + "\",\"monthlyBudgetUsd\":1}}").post(BASE + "UpdateTeamSettings")
                .then().statusCode(200);

        given().auth().oauth2(admin).contentType("application/json").body("{}").post(BASE + "GetMetrics").then().statusCode(200)
                .body("budgets.find { it.team == '" + team + "' }.spentUsd", equalTo(0.75f))
                .body("budgets.find { it.team == '" + team + "' }.exhausted", not(equalTo(true))); // false: left out of JSON
        psql("UPDATE usage_per_day SET cost_usd = cost_usd + 0.25 WHERE team = '" + team + "' AND day = '" + today + "'");
        given().auth().oauth2(admin).contentType("application/json").body("{}").post(BASE + "GetMetrics").then().statusCode(200)
                .body("budgets.find { it.team == '" + team + "' }.spentUsd", equalTo(1.0f))
                .body("budgets.find { it.team == '" + team + "' }.exhausted", equalTo(true));
    }

    /** A session of {@code team} created at {@code created} whose run took {@code seconds}, with 100 input tokens. */
    private void ended(String team, String status, Instant created, int seconds) {
        psql("INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, created_at, started_at, finished_at,"
                + " input_tokens) VALUES ('" + UUID.randomUUID() + "', 1, 'buck', '" + team + "', 'slack', 'buck:slack:C1:" + UUID.randomUUID()
                + "', 'metrics', '" + status + "', '" + created + "', '" + created + "', '" + created.plusSeconds(seconds) + "', 100)");
    }

    /** A projected session row of {@code team}, created {@code minutesAgo} minutes ago; its id. */
    private String row(String team, String status, String title, int minutesAgo) {
        String id = UUID.randomUUID().toString();
        Instant created = Instant.now().minus(minutesAgo, ChronoUnit.MINUTES);
        psql("INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, created_at, finished_at)"
                + " VALUES ('" + id + "', 1, 'buck', " + (team == null ? "NULL" : "'" + team + "'") + ", 'slack', 'buck:slack:C1:"
                + id + "', '" + title + "', '" + status + "', '" + created + "', '" + created.plusSeconds(30) + "')");
        psql("INSERT INTO session_search (session_id, words) SELECT id, strip(to_tsvector('simple', title || ' ' || session_key))"
                + " FROM sessions WHERE id = '" + id + "'");
        return id;
    }

    private void psql(String sql) {
        PgTestServer.shared().psql(history.database(), sql);
    }
}

package dev.agentservices.common.team;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.agentservices.common.nats.NatsConfig;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The spend ledger on a real nats-server: totals that no repeat, rewrite, deletion or month boundary can move. */
@Tag("component")
class SpendLedgerTest {

    private static final Instant DECEMBER = Instant.parse("2026-12-07T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private static NatsTestServer server;
    private static NatsConnection nats;

    @BeforeAll
    static void start() throws Exception {
        server = NatsTestServer.start();
        nats = new NatsConnection(TestConfig.build(Map.of("nats.url", server.localUrl()), NatsConfig.class)
                .getConfigMapping(NatsConfig.class), "spend-ledger-test");
        await().atMost(Duration.ofSeconds(15)).until(nats::isReady);
    }

    @AfterAll
    static void stop() throws Exception {
        nats.connection().close();
        server.close();
    }

    @Test
    void aTurnIsChargedOnceHoweverOftenItsOutcomeComesAndASecondReportCannotLowerIt() {
        SpendLedger ledger = new SpendLedger(nats, JSON);
        ledger.charge(SpendLedger.Charge.turn("team-once", "s-1", 1, 1, 2.50, 1000, DECEMBER));
        ledger.charge(SpendLedger.Charge.turn("team-once", "s-1", 1, 1, 2.50, 1000, DECEMBER));
        ledger.charge(SpendLedger.Charge.turn("team-once", "s-1", 1, 1, 0.01, 1, DECEMBER)); // the same turn, reported low
        ledger.charge(SpendLedger.Charge.turn("team-once", "s-1", 1, 2, 1.25, 500, DECEMBER));

        assertEquals(3.75, ledger.monthToDate("team-once", DECEMBER).costUsd(), 1e-9);
        // a ledger that starts now (a restarted worker, the dashboard) reads the same from the bucket
        assertEquals(3.75, new SpendLedger(nats, JSON).monthToDate("team-once", DECEMBER).costUsd(), 1e-9);
    }

    @Test
    void everyModelCallCountsWithItsTokensAndNegativeFiguresCountNothing() {
        SpendLedger ledger = new SpendLedger(nats, JSON);
        ledger.charge(SpendLedger.Charge.model("team-model", "s-2", 1, 0.10, 300, DECEMBER));
        ledger.charge(SpendLedger.Charge.model("team-model", "s-2", 1, 0.10, 300, DECEMBER)); // asked twice: spent twice
        ledger.charge(SpendLedger.Charge.turn("team-model", "s-2", 1, 1, -1000, -5, DECEMBER));

        SpendLedger.Totals totals = ledger.monthToDate("team-model", DECEMBER);
        assertEquals(0.20, totals.costUsd(), 1e-9);
        assertEquals(600, totals.modelTokens());
    }

    @Test
    void deletingTheSessionRecordsChangesNoTotal() throws Exception {
        SpendLedger ledger = new SpendLedger(nats, JSON);
        ledger.charge(SpendLedger.Charge.turn("team-kept", "s-3", 1, 1, 4, 10, DECEMBER));
        nats.connection().keyValue("sessions").put("s-3", "{}".getBytes());
        nats.connection().keyValue("sessions").delete("s-3");

        assertEquals(4, new SpendLedger(nats, JSON).monthToDate("team-kept", DECEMBER).costUsd(), 1e-9);
    }

    @Test
    void aChargeAnOperatorPurgesStopsCounting() throws Exception {
        SpendLedger ledger = new SpendLedger(nats, JSON);
        ledger.charge(SpendLedger.Charge.turn("team-fixed", "s-7", 1, 1, 5, 10, DECEMBER));
        ledger.charge(SpendLedger.Charge.turn("team-fixed", "s-7", 1, 2, 1, 10, DECEMBER));
        assertEquals(6, ledger.monthToDate("team-fixed", DECEMBER).costUsd(), 1e-9);

        nats.connection().keyValue("spend").purge("202612.team-fixed.s-7.turn-1-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.monthToDate("team-fixed", DECEMBER).costUsd() == 1);
    }

    @Test
    void eachMonthAndEachTeamHasItsOwnTotalAndDottedTeamsDoNotMix() {
        SpendLedger ledger = new SpendLedger(nats, JSON);
        ledger.charge(SpendLedger.Charge.turn("team.a", "s-4", 1, 1, 1, 1, Instant.parse("2026-11-30T23:59:59Z")));
        ledger.charge(SpendLedger.Charge.turn("team.a", "s-4", 1, 2, 2, 1, DECEMBER));
        ledger.charge(SpendLedger.Charge.turn("team", "s-5", 1, 1, 8, 1, DECEMBER));
        ledger.charge(SpendLedger.Charge.turn(null, "s-6", 1, 1, 16, 1, DECEMBER));

        assertEquals(2, ledger.monthToDate("team.a", DECEMBER).costUsd(), 1e-9);
        assertEquals(8, ledger.monthToDate("team", DECEMBER).costUsd(), 1e-9);
        assertEquals(16, ledger.monthToDate(null, DECEMBER).costUsd(), 1e-9);
        assertEquals(1, ledger.monthToDate("team.a", Instant.parse("2026-11-15T00:00:00Z")).costUsd(), 1e-9);
        assertEquals(2, ledger.monthToDate("team.a", DECEMBER).costUsd(), 1e-9);
    }
}

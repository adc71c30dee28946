package dev.agentservices.common.team;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.session.SessionStoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Team settings in the {@code teams} bucket. Reads come from an in-memory copy kept by one watch of the
 * bucket (every webhook asks which team owns its conversation: listing the bucket each time would create
 * a consumer per webhook, which a clustered JetStream answers slowly and not at all while a node is
 * down); until the watch has delivered the bucket, reads go to NATS. Blocks on NATS: call it from worker
 * threads.
 */
@Singleton
public class TeamStore {

    /** Team ids are KV keys and group names: letters, digits, '-', '_' and '.'. */
    private static final Pattern TEAM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private final java.util.Map<String, TeamSettings> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean cached;
    private volatile boolean watching;

    public TeamStore(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    public static boolean validId(String teamId) {
        return teamId != null && TEAM_ID.matcher(teamId).matches() && !teamId.endsWith(".");
    }

    public Optional<TeamSettings> get(String teamId) {
        if (!validId(teamId)) {
            return Optional.empty();
        }
        if (watched()) {
            return Optional.ofNullable(cache.get(teamId));
        }
        return read(teamId);
    }

    private Optional<TeamSettings> read(String teamId) {
        try {
            KeyValueEntry entry = bucket().get(teamId);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
                return Optional.empty();
            }
            return Optional.of(mapper.readValue(entry.getValue(), TeamSettings.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new SessionStoreException("reading team " + teamId, e);
        }
    }

    public List<TeamSettings> all() {
        if (watched()) {
            return List.copyOf(cache.values());
        }
        try {
            List<TeamSettings> teams = new ArrayList<>();
            for (String key : bucket().keys()) {
                read(key).ifPresent(teams::add);
            }
            return teams;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SessionStoreException("listing teams", e);
        }
    }

    public void put(TeamSettings settings) {
        if (!validId(settings.teamId())) {
            throw new IllegalArgumentException("a team id is letters, digits, '-', '_' and '.': " + settings.teamId());
        }
        try {
            bucket().put(settings.teamId(), mapper.writeValueAsBytes(settings));
            cache.put(settings.teamId(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new SessionStoreException("storing team " + settings.teamId(), e);
        }
    }

    /** The team whose channels, projects or repositories the conversation comes from, if any. */
    public Optional<String> teamFor(SessionKey key) {
        return all().stream().filter(team -> team.owns(key)).map(TeamSettings::teamId).sorted().findFirst();
    }

    /** Whether reads may use the copy: the watch has delivered the whole bucket. Starts the watch on first use. */
    private boolean watched() {
        if (!watching) {
            startWatch();
        }
        return cached;
    }

    private synchronized void startWatch() {
        if (watching) {
            return;
        }
        try {
            bucket().watchAll(new io.nats.client.api.KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    if (entry.getOperation() == KeyValueOperation.PUT) {
                        try {
                            cache.put(entry.getKey(), mapper.readValue(entry.getValue(), TeamSettings.class));
                        } catch (IOException e) {
                            cache.remove(entry.getKey());
                        }
                    } else {
                        cache.remove(entry.getKey());
                    }
                }

                @Override
                public void endOfData() {
                    cached = true;
                }
            });
            watching = true;
        } catch (IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // NATS not there yet: reads go to the bucket, and the next one tries the watch again
        }
    }

    private KeyValue bucket() throws IOException {
        return nats.connection().keyValue(nats.config().buckets().teams().name());
    }
}

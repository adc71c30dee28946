package dev.agentservices.dashboard.api;

import com.google.protobuf.ByteString;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.deadletter.DeadLetterStore;
import dev.agentservices.proto.api.v1.DeadLetter;
import dev.agentservices.proto.api.v1.ListDeadLettersRequest;
import dev.agentservices.proto.api.v1.ListDeadLettersResponse;
import dev.agentservices.proto.api.v1.ReplayDeadLetterRequest;
import dev.agentservices.proto.api.v1.ReplayDeadLetterResponse;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Dead letters hold any team's messages, so only admins list and replay them. */
@Singleton
public class DeadLettersApi {

    private static final Logger LOG = Logger.getLogger(DeadLettersApi.class);

    private final DeadLetterStore deadLetters;

    public DeadLettersApi(DeadLetterStore deadLetters) {
        this.deadLetters = deadLetters;
    }

    public Uni<ListDeadLettersResponse> list(ListDeadLettersRequest request, DashboardUser user) {
        AccessRules.requireAdmin(user, "list dead letters");
        int pageSize = Calls.pageSize(request.getPageSize());
        long from = parseSequenceToken(request.getPageToken());
        return Calls.onWorker(() -> {
            DeadLetterStore.Page page = Calls.nats(() -> deadLetters.list(pageSize, from));
            ListDeadLettersResponse.Builder response = ListDeadLettersResponse.newBuilder()
                    .setNextPageToken(page.next() == 0 ? "" : Long.toString(page.next()));
            page.deadLetters().forEach(letter -> response.addDeadLetters(toProto(letter)));
            return response.build();
        });
    }

    public Uni<ReplayDeadLetterResponse> replay(ReplayDeadLetterRequest request, DashboardUser user) {
        AccessRules.requireAdmin(user, "replay dead letters");
        if (request.getSequence() <= 0) {
            throw ApiException.invalidArgument("sequence is required: the dead letter's sequence from ListDeadLetters");
        }
        return Calls.onWorker(() -> {
            DeadLetterStore.DeadLetter letter = Calls.nats(() -> deadLetters.get(request.getSequence())).orElseThrow(
                    () -> ApiException.notFound("There is no dead letter " + request.getSequence()));
            Calls.nats(() -> deadLetters.replay(letter, user.name()));
            LOG.infof("Dead letter %d (%s) replayed by %s", letter.sequence(), letter.originalSubject(), user.name());
            return ReplayDeadLetterResponse.getDefaultInstance();
        });
    }

    private static DeadLetter toProto(DeadLetterStore.DeadLetter letter) {
        DeadLetter.Builder builder = DeadLetter.newBuilder().setSequence(letter.sequence())
                .setOriginalSubject(letter.originalSubject()).setDeliveries(letter.deliveries())
                .setDeadAt(ProtoSessions.timestamp(letter.deadAt())).setPayload(ByteString.copyFrom(letter.payload()));
        if (letter.error() != null) {
            builder.setError(letter.error());
        }
        letter.replay().ifPresent(replay -> builder.setReplayedBy(replay.by()));
        return builder.build();
    }

    private static long parseSequenceToken(String token) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw ApiException.invalidArgument("the page token is not one this API returned");
        }
    }
}

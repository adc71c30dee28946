package dev.agentservices.dashboard.api;

import com.google.protobuf.Timestamp;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.proto.api.v1.Artifact;
import dev.agentservices.proto.api.v1.Attachment;
import dev.agentservices.proto.api.v1.Message;
import dev.agentservices.proto.api.v1.Origin;
import dev.agentservices.proto.api.v1.SessionSource;
import dev.agentservices.proto.api.v1.SessionStatus;
import dev.agentservices.proto.api.v1.Turn;
import dev.agentservices.proto.api.v1.Usage;
import java.time.Instant;

/** Sessions as the API shows them: the stored record translated to {@code api.v1.Session}. */
public final class ProtoSessions {

    private ProtoSessions() {
    }

    /** The runner's usage with the pod time the worker measured. */
    public static Usage usage(dev.agentservices.common.session.Usage usage, long podMillis) {
        dev.agentservices.common.session.Usage reported = usage == null ? dev.agentservices.common.session.Usage.NONE : usage;
        return Usage.newBuilder().setInputTokens(reported.inputTokens()).setOutputTokens(reported.outputTokens())
                .setCacheCreationTokens(reported.cacheCreationTokens()).setCacheReadTokens(reported.cacheReadTokens())
                .setCostUsd(reported.costUsd()).setDurationMs(reported.durationMs()).setPodSeconds(podMillis / 1000.0).build();
    }

    public static dev.agentservices.proto.api.v1.Session toProto(Session session, boolean withMessages) {
        return toProto(session, withMessages, Instant.now());
    }

    /** The session as the API shows it, its live run's pod time counted up to {@code now}. */
    public static dev.agentservices.proto.api.v1.Session toProto(Session session, boolean withMessages, Instant now) {
        var builder = dev.agentservices.proto.api.v1.Session.newBuilder()
                .setId(session.id())
                .setAgent(session.agent())
                .setSource(SessionSource.valueOf("SESSION_SOURCE_" + session.source().name()))
                .setSessionKey(session.key().toString())
                .setStatus(SessionStatus.valueOf("SESSION_STATUS_" + session.status().name()))
                .setRun(session.run())
                .setTurn(session.turn())
                .setQueuedCount(session.queued().size())
                .setRunLive(session.runLive());
        set(session.team(), builder::setTeam);
        set(session.title(), builder::setTitle);
        set(session.podName(), builder::setPodName);
        set(session.prompt(), builder::setPrompt);
        set(session.instructions(), builder::setInstructions);
        set(session.lastAssistantMessage(), builder::setLastAssistantMessage);
        set(session.error(), builder::setError);
        set(session.waitingFor(), builder::setWaitingFor);
        if (session.createdAt() != null) {
            builder.setCreatedAt(timestamp(session.createdAt()));
        }
        if (session.startedAt() != null) {
            builder.setStartedAt(timestamp(session.startedAt()));
        }
        if (session.finishedAt() != null) {
            builder.setFinishedAt(timestamp(session.finishedAt()));
        }
        if (session.origin() != null) {
            var origin = Origin.newBuilder();
            set(session.origin().slackChannel(), origin::setSlackChannel);
            set(session.origin().slackThreadTs(), origin::setSlackThreadTs);
            set(session.origin().jiraIssueKey(), origin::setJiraIssueKey);
            set(session.origin().githubRepository(), origin::setGithubRepository);
            if (session.origin().githubNumber() != null) {
                origin.setGithubNumber(session.origin().githubNumber());
            }
            builder.setOrigin(origin);
        }
        session.artifacts().forEach(a -> {
            var artifact = Artifact.newBuilder();
            set(a.kind(), artifact::setKind);
            set(a.title(), artifact::setTitle);
            set(a.url(), artifact::setUrl);
            builder.addArtifacts(artifact);
        });
        builder.setUsage(usage(session.usage(), session.podMillis(now)));
        if (withMessages) {
            session.turns().forEach(t -> {
                var turn = Turn.newBuilder().setNumber(t.number()).setRun(t.run())
                        .setStatus(SessionStatus.valueOf("SESSION_STATUS_" + t.status().name()));
                if (t.startedAt() != null) {
                    turn.setStartedAt(timestamp(t.startedAt()));
                }
                if (t.finishedAt() != null) {
                    turn.setFinishedAt(timestamp(t.finishedAt()));
                }
                if (t.usage() != null || t.startedAt() != null) {
                    Instant end = t.finishedAt() != null ? t.finishedAt() : now;
                    long podMillis = t.startedAt() == null ? 0 : Math.max(0, end.toEpochMilli() - t.startedAt().toEpochMilli());
                    turn.setUsage(usage(t.usage(), podMillis));
                }
                builder.addTurns(turn);
            });
            session.messages().forEach(m -> {
                var message = Message.newBuilder();
                set(m.author(), message::setAuthor);
                set(m.text(), message::setText);
                message.setRole(m.role() == null ? SessionMessage.PERSON : m.role());
                if (m.time() != null) {
                    message.setTime(timestamp(m.time()));
                }
                m.attachments().forEach(a -> {
                    var attachment = Attachment.newBuilder();
                    set(a.name(), attachment::setName);
                    set(a.contentType(), attachment::setContentType);
                    set(a.url(), attachment::setUrl);
                    message.addAttachments(attachment);
                });
                builder.addMessages(message);
            });
        }
        return builder.build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static void set(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}

package dev.agentservices.worker.attachment;

import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the whole of a text that the session record shows cut (a message over
 * {@link Session#MESSAGE_TEXT_KEPT} characters, an answer over {@link Session#ANSWER_KEPT}) in S3, and links
 * it: an attachment of the message, an artifact of the answer. Without S3 the record keeps the cut text
 * only. Keys are derived from the session and the message's or turn's identity, so a redelivery overwrites
 * the same object.
 */
@Singleton
public class FullTexts {

    private final AttachmentStore store;

    public FullTexts(AttachmentStore store) {
        this.store = store;
    }

    /** The message, with its whole text attached when the record will show it cut. */
    public SessionMessage keep(String sessionKey, String applyId, SessionMessage message) {
        if (message.text() == null || message.text().length() <= Session.MESSAGE_TEXT_KEPT) {
            return message;
        }
        Optional<SessionMessage.Attachment> whole = upload("texts/" + safe(sessionKey) + "/" + safe(applyId) + ".txt",
                "message.txt", message.text());
        if (whole.isEmpty()) {
            return message;
        }
        List<SessionMessage.Attachment> attachments = new ArrayList<>(message.attachments());
        attachments.add(whole.get());
        return new SessionMessage(message.author(), message.text(), attachments, message.time(), message.ref(), message.role());
    }

    /** The answer's artifacts, with a link to its whole text when the record will show it cut. */
    public List<Artifact> keepAnswer(String sessionId, int turn, String answer, List<Artifact> artifacts) {
        if (answer == null || answer.length() <= Session.ANSWER_KEPT) {
            return artifacts;
        }
        return upload("texts/" + safe(sessionId) + "/turn-" + turn + "-answer.txt", "answer.txt", answer).map(whole -> {
            List<Artifact> all = new ArrayList<>(artifacts);
            all.add(new Artifact("full_answer", "The whole answer", whole.url()));
            return all;
        }).orElse(artifacts);
    }

    /**
     * Keeps a model conversation's exchange (one call: its user message and answer, as JSON) that the record
     * drops to stay bounded, under {@code texts/{session}/conversation/call-{n}.json}; empty without S3.
     */
    public Optional<String> keepExchange(String sessionId, int call, byte[] json) {
        return store.store("texts/" + safe(sessionId) + "/conversation/call-" + call + ".json", "call-" + call + ".json",
                "application/json", json).map(SessionMessage.Attachment::url);
    }

    private Optional<SessionMessage.Attachment> upload(String key, String name, String text) {
        return store.store(key, name, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String safe(String value) {
        return value.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

package dev.agentservices.common.session;

import java.time.Instant;
import java.util.List;

/** One message of the conversation, as the pod receives it. */
public record SessionMessage(String author, String text, List<Attachment> attachments, Instant time) {

    public SessionMessage {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** A file that came with a message, stored for the pod to fetch. */
    public record Attachment(String name, String contentType, String url) {
    }
}

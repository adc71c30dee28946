package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * One message of the conversation, as the pod receives it.
 *
 * @param ref where the message lives on its platform, for reactions: a Slack message's {@code ts}, a GitHub
 *            comment's id; null when it has none (the dashboard, Jira)
 * @param role who said it: {@link #PERSON} (also when null, as in older records), {@link #AGENT} (the agent's
 *             reply, or the instructions it gave a run) or {@link #RUNNER} (a run's answer to the agent)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionMessage(String author, String text, List<Attachment> attachments, Instant time, String ref, String role) {

    public static final String PERSON = "person";
    public static final String AGENT = "agent";
    public static final String RUNNER = "runner";

    public SessionMessage(String author, String text, List<Attachment> attachments, Instant time, String ref) {
        this(author, text, attachments, time, ref, null);
    }

    public SessionMessage {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public SessionMessage(String author, String text, List<Attachment> attachments, Instant time) {
        this(author, text, attachments, time, null);
    }

    /** A file that came with a message, stored for the pod to fetch. */
    public record Attachment(String name, String contentType, String url) {
    }
}

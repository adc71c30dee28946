package dev.agentservices.common.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import java.util.List;

/**
 * A webhook as the gateway read it, once, at the door: a message in a conversation, ready to apply. The
 * worker applies it without parsing the sender's payload again.
 *
 * @param opensSession whether it may start a session (a Slack mention, a Jira assignment, a GitHub
 *                     mention) or only continues one that exists (a thread reply, a click, a Jira comment)
 * @param origin       where replies go
 * @param title        the session's title when this message starts it
 * @param message      who said what (a click as its one-line summary), with its platform reference
 * @param applyId      the id the message is applied under, once: for Slack the channel and {@code ts}, since
 *                     Slack sends one message as both a mention and a message event
 * @param files        Slack files shared with the message, fetched by the worker with the bot token
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConversationEvent(boolean opensSession, Origin origin, String title, SessionMessage message, String applyId,
        List<SlackFile> files) {

    public ConversationEvent {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** A file on a Slack message: its private URL needs the bot token. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SlackFile(String id, String name, String mimetype, long size, String url) {
    }
}

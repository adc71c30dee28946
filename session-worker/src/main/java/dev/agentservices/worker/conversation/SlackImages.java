package dev.agentservices.worker.conversation;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.worker.attachment.AttachmentStore;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The images on a Slack message (JPEG, PNG, GIF, WebP), downloaded with the agent's bot token, as Slack
 * requires for private file URLs, and kept in S3 for the pod. A download that fails throws, so the
 * message is retried rather than passed on without its pictures.
 */
@Singleton
public class SlackImages {

    private static final Logger LOG = Logger.getLogger(SlackImages.class);
    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private final AttachmentStore store;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public SlackImages(AttachmentStore store) {
        this.store = store;
    }

    public List<SessionMessage.Attachment> fetch(Agent agent, String channel, String ts, List<ConversationEvent.SlackFile> files)
            throws IOException, InterruptedException {
        List<SessionMessage.Attachment> attachments = new ArrayList<>();
        if (files.isEmpty()) {
            return attachments;
        }
        var token = agent.slack().flatMap(Agent.SlackApp::botToken);
        if (!store.enabled() || token.isEmpty()) {
            LOG.infof("Left out %d file(s) in %s: S3_BUCKET and SLACK_BOT_TOKEN are both needed to pass files on",
                    files.size(), channel);
            return attachments;
        }
        for (ConversationEvent.SlackFile file : files) {
            String url = file.url();
            if (url == null || !IMAGE_TYPES.contains(file.mimetype()) || file.size() > store.maxSize()) {
                continue;
            }
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token.get().reveal()).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.startsWith("image/")) {
                throw new IOException("Slack file " + file.id() + " could not be downloaded: HTTP " + response.statusCode() + " " + type);
            }
            String key = "attachments/slack/" + channel + "/" + ts + "/" + file.id() + "-" + safeName(file.name());
            store.store(key, file.name(), file.mimetype(), response.body()).ifPresent(attachments::add);
        }
        return attachments;
    }

    static String safeName(String name) {
        String safe = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        return safe.isEmpty() ? "image" : safe;
    }
}

package dev.agentservices.worker.conversation;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.worker.attachment.AttachmentConfig;
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
 * requires for private file URLs, and kept in S3 for the pod. The token goes only to Slack's file origins
 * ({@code attachments.slack-file-origins}): a file URL elsewhere, or a redirect to elsewhere, is left out
 * without a request carrying it; redirects are followed by hand, within those origins. The size cap holds
 * while reading, whatever the file claims. A download that fails for a reason that may pass (a 5xx, a
 * timeout) throws, so the message is retried rather than passed on without its pictures; a file refused for
 * good is left out with a line in the log.
 */
@Singleton
public class SlackImages {

    private static final Logger LOG = Logger.getLogger(SlackImages.class);
    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private static final int MAX_REDIRECTS = 3;

    private final AttachmentStore store;
    private final Set<String> origins;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public SlackImages(AttachmentStore store, AttachmentConfig config) {
        this.store = store;
        this.origins = config.slackFileOrigins().stream().map(SlackImages::origin).collect(java.util.stream.Collectors.toSet());
    }

    /** A file that is not passed on, for good. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
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
            try {
                Download download = download(URI.create(url), "Bearer " + token.get().reveal());
                String key = "attachments/slack/" + channel + "/" + ts + "/" + file.id() + "-" + safeName(file.name());
                store.store(key, file.name(), file.mimetype(), download.bytes()).ifPresent(attachments::add);
            } catch (Refused | IllegalArgumentException e) {
                LOG.warnf("Left out Slack file %s in %s: %s", file.id(), channel, e.getMessage());
            }
        }
        return attachments;
    }

    private record Download(byte[] bytes, String contentType) {
    }

    /** GET with the token, only on Slack's file origins, following redirects there, at most the size cap read. */
    private Download download(URI url, String authorization) throws IOException, InterruptedException, Refused {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (!origins.contains(origin(current.toString()))) {
                throw new Refused("its URL " + (hop == 0 ? "is" : "redirects") + " outside Slack's file hosts ("
                        + current.getScheme() + "://" + current.getHost() + ")");
            }
            HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(current)
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                int status = response.statusCode();
                if (status >= 300 && status < 400) {
                    String location = response.headers().firstValue("Location")
                            .orElseThrow(() -> new Refused("HTTP " + status + " without a Location"));
                    current = current.resolve(location);
                    continue;
                }
                String type = response.headers().firstValue("Content-Type").orElse("");
                if (status >= 500 || status == 429) {
                    throw new IOException("Slack answered HTTP " + status + " for a file; trying again later");
                }
                if (status != 200 || !type.startsWith("image/")) {
                    throw new Refused("HTTP " + status + " " + type);
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, store.maxSize() + 1));
                if (bytes.length > store.maxSize()) {
                    throw new Refused("larger than " + store.maxSize() + " bytes");
                }
                return new Download(bytes, type);
            }
        }
        throw new Refused("more than " + MAX_REDIRECTS + " redirects");
    }

    /** {@code scheme://host[:port]} in lower case, the port left out when it is the scheme's default. */
    static String origin(String url) {
        URI uri = URI.create(url.trim());
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute URL: " + url);
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    static String safeName(String name) {
        String safe = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        return safe.isEmpty() ? "image" : safe;
    }
}

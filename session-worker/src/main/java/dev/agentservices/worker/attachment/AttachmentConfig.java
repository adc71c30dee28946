package dev.agentservices.worker.attachment;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code attachments.*}: where the files that come with messages are kept for the pods. */
@ConfigMapping(prefix = "attachments")
public interface AttachmentConfig {

    /** The bucket ({@code S3_BUCKET}); without it, message files are not passed on. */
    Optional<String> bucket();

    /** Link files through {@code https://{domain}/{key}} ({@code CLOUDFRONT_DOMAIN}) instead of presigned URLs. */
    Optional<String> cloudfrontDomain();

    @WithDefault("false")
    boolean createBucket();

    /** Larger files are left out, with a note in the log. */
    @WithDefault("20M")
    MemorySize maxSize();

    @WithDefault("7d")
    Duration presignedUrlTtl();

    /**
     * The only origins (scheme, host and port) a Slack file is fetched from with the bot token
     * ({@code ATTACHMENTS_SLACK_FILE_ORIGINS}): Slack's file host. A file elsewhere, or a redirect elsewhere, is
     * left out and never gets the token.
     */
    @WithDefault("https://files.slack.com")
    java.util.List<String> slackFileOrigins();
}

package dev.agentservices.runner.upload;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code upload.*}: where uploads go, what is accepted, and who may upload besides session pods. */
@ConfigMapping(prefix = "upload")
public interface UploadConfig {

    /** The bucket ({@code S3_BUCKET}). */
    Optional<String> bucket();

    /** Serve uploads from {@code https://{domain}/{key}} ({@code CLOUDFRONT_DOMAIN}) instead of presigned URLs. */
    Optional<String> cloudfrontDomain();

    /** Create the bucket at start-up when missing: for local mode and tests. */
    @WithDefault("false")
    boolean createBucket();

    @WithDefault("25M")
    MemorySize maxSize();

    /**
     * The largest saved state (a run's workspace and its CLI's conversation, as one archive) a run may store; it goes
     * to S3 directly, in parts, through presigned URLs ({@code UPLOAD_STATE_MAX_SIZE}).
     */
    @WithDefault("20G")
    MemorySize stateMaxSize();

    /** The size of each part of a saved state but the last (S3 takes 5 MiB to 5 GiB; {@code UPLOAD_STATE_PART_SIZE}). */
    @WithDefault("64M")
    MemorySize statePartSize();

    @WithDefault("image/png,image/jpeg,image/gif,image/webp,text/plain,text/markdown,text/csv,application/json,"
            + "application/pdf,application/zip,application/gzip,application/x-tar,application/octet-stream")
    List<String> allowedContentTypes();

    /** How long a presigned download URL is valid; S3 allows at most 7 days. */
    @WithDefault("7d")
    Duration presignedUrlTtl();

    GithubOidc githubOidc();

    /** GitHub Actions OIDC tokens, accepted when an audience is configured. */
    interface GithubOidc {
        @WithDefault("https://token.actions.githubusercontent.com")
        String issuer();

        @WithDefault("https://token.actions.githubusercontent.com/.well-known/jwks")
        String jwksUrl();

        /** The audience the workflow requests ({@code core.getIDToken(audience)}); GitHub uploads are off without it. */
        Optional<String> audience();

        /** {@code owner/repo} allowed to upload. */
        Optional<List<String>> allowedRepositories();
    }
}

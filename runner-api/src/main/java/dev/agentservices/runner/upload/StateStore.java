package dev.agentservices.runner.upload;

import dev.agentservices.common.storage.ObjectStorage;
import dev.agentservices.runner.http.RunnerApiException;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A run's saved state in S3: the runner stores the archive itself, in parts, through presigned PUT URLs (so its size
 * is bounded only by {@code UPLOAD_STATE_MAX_SIZE}, and nothing of it passes through this service), and the next run
 * reads it through a presigned GET URL. Keys are under the session's own upload prefix, so a run can only name its own
 * session's state. Never linked through CloudFront: a workspace is for its session's runs only. Blocks on S3.
 */
@Singleton
public class StateStore {

    private static final Logger LOG = Logger.getLogger(StateStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** S3 joins at most this many parts into one object. */
    public static final int MAX_PARTS = 10_000;

    /** Where a state goes: its key, its upload and the URL of each part, in order. */
    public record Plan(String key, String uploadId, long partSize, List<String> partUrls) {
    }

    private final Optional<ObjectStorage> storage;
    private final long maxSize;
    private final long partSize;

    public StateStore(S3Client s3, S3Presigner presigner, UploadConfig config) {
        this.storage = config.bucket().map(bucket -> new ObjectStorage(s3, presigner, bucket, Optional.empty(),
                config.presignedUrlTtl()));
        this.maxSize = config.stateMaxSize().asLongValue();
        this.partSize = Math.max(5L * 1024 * 1024, config.statePartSize().asLongValue());
    }

    /** The key prefix of the states of {@code sessionId}. */
    public static String prefix(String sessionId) {
        return Uploader.sessionPrefix(sessionId) + "state/";
    }

    /** Begins storing a state of {@code size} bytes for run {@code run} of the session. */
    public Plan begin(String sessionId, int run, long size) {
        if (size < 1 || size > maxSize) {
            throw new RunnerApiException(413, "state_too_large", "A saved state is 1 to " + maxSize + " bytes (UPLOAD_STATE_MAX_SIZE), not "
                    + size);
        }
        long parts = (size + partSize - 1) / partSize;
        if (parts > MAX_PARTS) {
            throw new RunnerApiException(413, "state_too_large", "A state of " + size + " bytes needs more than " + MAX_PARTS
                    + " parts of " + partSize + " bytes; raise UPLOAD_STATE_PART_SIZE");
        }
        ObjectStorage bucket = bucket();
        String key = prefix(sessionId) + "run-" + run + "-" + randomHex(4) + ".tar.gz";
        try {
            String uploadId = bucket.beginMultipart(key, "application/gzip");
            List<String> urls = new ArrayList<>();
            for (int number = 1; number <= parts; number++) {
                urls.add(bucket.partUrl(key, uploadId, number));
            }
            return new Plan(key, uploadId, partSize, urls);
        } catch (SdkException e) {
            LOG.warnf("Could not begin storing state %s: %s", key, e.getMessage());
            throw unavailable();
        }
    }

    /** Joins the parts into the state {@code key}; a refused join drops the upload, and the runner is told why. */
    public void complete(String key, String uploadId, List<String> etags) {
        ObjectStorage bucket = bucket();
        try {
            bucket.completeMultipart(key, uploadId, etags);
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() >= 500) {
                LOG.warnf("Could not complete state %s: %s", key, e.getMessage());
                throw unavailable();
            }
            bucket.abortMultipart(key, uploadId);
            throw new RunnerApiException(400, "incomplete_state", "S3 could not join the parts of " + key + " ("
                    + e.awsErrorDetails().errorCode() + "): save the state again");
        } catch (SdkException e) {
            LOG.warnf("Could not complete state %s: %s", key, e.getMessage());
            throw unavailable();
        }
    }

    /** A presigned GET URL of a state or scrollback of the session, or empty without a bucket. */
    public Optional<String> url(String key) {
        return storage.map(bucket -> bucket.privateUrl(key));
    }

    private ObjectStorage bucket() {
        return storage.orElseThrow(() -> new RunnerApiException(503, "not_configured",
                "Saved state needs S3 on this runner API (S3_BUCKET)"));
    }

    private static RunnerApiException unavailable() {
        return new RunnerApiException(503, "storage_unavailable", "S3 cannot take the state right now; retry later");
    }

    /** {@code bytes} random bytes as hex: a tag no text can guess. */
    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }
}

package dev.agentservices.runner.upload;

import dev.agentservices.common.storage.ObjectStorage;
import dev.agentservices.runner.http.RunnerApiException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Uploads in S3 ({@code S3_BUCKET}, any S3-compatible server through {@code S3_ENDPOINT}), linked
 * permanently through CloudFront when {@code CLOUDFRONT_DOMAIN} is set, else by a presigned GET URL.
 * Never served from this service's own origin. Blocks on S3: call it from worker threads.
 */
@Singleton
public class UploadStore {

    private static final Logger LOG = Logger.getLogger(UploadStore.class);

    private final Optional<ObjectStorage> storage;
    private final boolean createBucket;

    public UploadStore(S3Client s3, S3Presigner presigner, UploadConfig config) {
        this.storage = config.bucket().map(bucket -> new ObjectStorage(s3, presigner, bucket, config.cloudfrontDomain(),
                config.presignedUrlTtl()));
        this.createBucket = config.createBucket();
    }

    void createBucket(@Observes StartupEvent event) {
        if (createBucket) {
            storage.ifPresent(ObjectStorage::createBucketIfMissing);
        }
    }

    /** Stores the file under {@code key} and returns the URL to hand out. */
    public String store(String key, Path file, String contentType) {
        ObjectStorage bucket = storage.orElseThrow(() -> new RunnerApiException(503, "not_configured",
                "Uploads are not configured on this runner API (S3_BUCKET)"));
        try {
            bucket.put(key, contentType, RequestBody.fromFile(file));
        } catch (SdkException e) {
            LOG.warnf("Could not store upload %s: %s", key, e.getMessage());
            throw new RunnerApiException(503, "storage_unavailable", "The file could not be stored right now; retry later");
        }
        return bucket.url(key);
    }

    /** The URL of an object already stored, or empty when uploads are not configured. */
    public Optional<String> urlFor(String key) {
        return storage.map(bucket -> bucket.url(key));
    }
}

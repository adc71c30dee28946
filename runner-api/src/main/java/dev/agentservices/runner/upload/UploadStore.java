package dev.agentservices.runner.upload;

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
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Uploads in S3 ({@code S3_BUCKET}, any S3-compatible server through {@code S3_ENDPOINT}), linked
 * permanently through CloudFront when {@code CLOUDFRONT_DOMAIN} is set, else by a presigned GET URL.
 * Never served from this service's own origin. Blocks on S3: call it from worker threads.
 */
@Singleton
public class UploadStore {

    private static final Logger LOG = Logger.getLogger(UploadStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final UploadConfig config;

    public UploadStore(S3Client s3, S3Presigner presigner, UploadConfig config) {
        this.s3 = s3;
        this.presigner = presigner;
        this.config = config;
    }

    void createBucket(@Observes StartupEvent event) {
        if (!config.createBucket() || config.bucket().isEmpty()) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(config.bucket().get()));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(config.bucket().get()));
            LOG.infof("Created bucket %s", config.bucket().get());
        } catch (SdkException e) {
            LOG.warnf("Could not check bucket %s: %s", config.bucket().get(), e.getMessage());
        }
    }

    /** Stores the file under {@code key} and returns the URL to hand out. */
    public String store(String key, Path file, String contentType) {
        String bucket = config.bucket().orElseThrow(() -> new RunnerApiException(503, "not_configured",
                "Uploads are not configured on this runner API (S3_BUCKET)"));
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
                    RequestBody.fromFile(file));
        } catch (SdkException e) {
            LOG.warnf("Could not store upload %s: %s", key, e.getMessage());
            throw new RunnerApiException(503, "storage_unavailable", "The file could not be stored right now; retry later");
        }
        return url(bucket, key);
    }

    /** The URL of an object already stored, or empty when uploads are not configured. */
    public Optional<String> urlFor(String key) {
        return config.bucket().map(bucket -> url(bucket, key));
    }

    private String url(String bucket, String key) {
        if (config.cloudfrontDomain().isPresent()) {
            return "https://" + config.cloudfrontDomain().get() + "/" + key;
        }
        return presigner.presignGetObject(p -> p.signatureDuration(config.presignedUrlTtl())
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}

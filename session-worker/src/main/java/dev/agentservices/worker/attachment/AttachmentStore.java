package dev.agentservices.worker.attachment;

import dev.agentservices.common.session.SessionMessage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Keeps files that came with messages in S3 for the session pods, under keys derived from where they
 * came from, so storing one again after a redelivery overwrites the same object. Blocks on S3.
 */
@Singleton
public class AttachmentStore {

    private static final Logger LOG = Logger.getLogger(AttachmentStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final AttachmentConfig config;

    public AttachmentStore(S3Client s3, S3Presigner presigner, AttachmentConfig config) {
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
        } catch (SdkException e) {
            LOG.warnf("Could not check bucket %s: %s", config.bucket().get(), e.getMessage());
        }
    }

    public boolean enabled() {
        return config.bucket().isPresent();
    }

    public long maxSize() {
        return config.maxSize().asLongValue();
    }

    /** Stores the bytes and returns the attachment as the pod will see it; empty when S3 is not configured. */
    public Optional<SessionMessage.Attachment> store(String key, String name, String contentType, byte[] bytes) {
        if (config.bucket().isEmpty()) {
            return Optional.empty();
        }
        String bucket = config.bucket().get();
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
                RequestBody.fromBytes(bytes));
        String url = config.cloudfrontDomain().map(domain -> "https://" + domain + "/" + key)
                .orElseGet(() -> presigner.presignGetObject(p -> p.signatureDuration(config.presignedUrlTtl())
                        .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
        return Optional.of(new SessionMessage.Attachment(name, contentType, url));
    }
}

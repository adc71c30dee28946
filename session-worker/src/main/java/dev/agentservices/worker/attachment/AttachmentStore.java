package dev.agentservices.worker.attachment;

import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.storage.ObjectStorage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Keeps files that came with messages in S3 for the session pods, under keys derived from where they
 * came from, so storing one again after a redelivery overwrites the same object. Blocks on S3.
 */
@Singleton
public class AttachmentStore {

    private final Optional<ObjectStorage> storage;
    private final AttachmentConfig config;

    public AttachmentStore(S3Client s3, S3Presigner presigner, AttachmentConfig config) {
        this.storage = config.bucket().map(bucket -> new ObjectStorage(s3, presigner, bucket, config.cloudfrontDomain(),
                config.presignedUrlTtl()));
        this.config = config;
    }

    void createBucket(@Observes StartupEvent event) {
        if (config.createBucket()) {
            storage.ifPresent(ObjectStorage::createBucketIfMissing);
        }
    }

    public boolean enabled() {
        return storage.isPresent();
    }

    public long maxSize() {
        return config.maxSize().asLongValue();
    }

    /** Stores the bytes and returns the attachment as the pod will see it; empty when S3 is not configured. */
    public Optional<SessionMessage.Attachment> store(String key, String name, String contentType, byte[] bytes) {
        return storage.map(bucket -> {
            bucket.put(key, contentType, RequestBody.fromBytes(bytes));
            return new SessionMessage.Attachment(name, contentType, bucket.url(key));
        });
    }
}

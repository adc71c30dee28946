package dev.agentservices.common.storage;

import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * One S3 bucket and how its objects are linked: permanently through {@code CLOUDFRONT_DOMAIN} when set,
 * else by presigned GET URLs. Shared by runner-api's uploads and the worker's attachments; not a bean,
 * so services without S3 on their class path never load it. Every method blocks on S3.
 */
public final class ObjectStorage {

    private static final Logger LOG = Logger.getLogger(ObjectStorage.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final Optional<String> cloudfrontDomain;
    private final Duration presignedUrlTtl;

    public ObjectStorage(S3Client s3, S3Presigner presigner, String bucket, Optional<String> cloudfrontDomain,
            Duration presignedUrlTtl) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.cloudfrontDomain = cloudfrontDomain;
        this.presignedUrlTtl = presignedUrlTtl;
    }

    /**
     * Creates the bucket when it does not exist: for local mode and tests. Services start together and each
     * may find the bucket missing, so an answer that it exists by the time this one asks for it (S3's 409
     * {@code BucketAlreadyOwnedByYou}, or any refusal after which the bucket is there) is what was wanted.
     * Never throws: a bucket that cannot be had is a warning, and uploads say so when they are tried.
     */
    public void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            // created below
        } catch (SdkException e) {
            LOG.warnf("Could not check bucket %s: %s", bucket, e.getMessage());
            return;
        }
        try {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.infof("Created bucket %s", bucket);
        } catch (BucketAlreadyOwnedByYouException e) {
            LOG.debugf("Bucket %s was created by another service at the same time", bucket);
        } catch (SdkException e) {
            if (exists()) {
                LOG.debugf("Bucket %s was created by another service at the same time (%s)", bucket, e.getMessage());
            } else {
                LOG.warnf("Could not create bucket %s: %s; uploads fail until it exists", bucket, e.getMessage());
            }
        }
    }

    private boolean exists() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /** Stores the object; throws {@link SdkException} when S3 refuses or cannot be reached. */
    public void put(String key, String contentType, RequestBody body) {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(), body);
    }

    /** A multipart upload to {@code key} begun; its upload id. Throws {@link SdkException} when S3 refuses. */
    public String beginMultipart(String key, String contentType) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
    }

    /** A URL that takes part {@code number} (from 1) of the upload with an HTTP PUT, for {@code presignedUrlTtl}. */
    public String partUrl(String key, String uploadId, int number) {
        return presigner.presignUploadPart(p -> p.signatureDuration(presignedUrlTtl)
                .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(number))).url().toString();
    }

    /** Joins the uploaded parts ({@code etags} by part number, from 1) into the object; throws {@link SdkException}. */
    public void completeMultipart(String key, String uploadId, java.util.List<String> etags) {
        java.util.List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new java.util.ArrayList<>();
        for (int i = 0; i < etags.size(); i++) {
            parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(i + 1).eTag(etags.get(i)).build());
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    /** Drops an upload that will not be completed, and the parts it holds; a failure is only logged. */
    public void abortMultipart(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.infof("Could not abort upload %s of %s: %s", uploadId, key, e.getMessage());
        }
    }

    /** A presigned GET URL of {@code key}, never a CloudFront one: for what only its own session may read. */
    public String privateUrl(String key) {
        return presigner.presignGetObject(p -> p.signatureDuration(presignedUrlTtl)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }

    /** The link to hand out for {@code key}. */
    public String url(String key) {
        return cloudfrontDomain.map(domain -> "https://" + domain + "/" + key).orElseGet(() -> privateUrl(key));
    }
}

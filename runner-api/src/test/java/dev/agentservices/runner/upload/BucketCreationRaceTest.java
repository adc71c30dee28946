package dev.agentservices.runner.upload;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.common.storage.ObjectStorage;
import dev.agentservices.common.testing.S3ProxyTestResource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Local mode starts runner-api and the worker at once against one fresh s3proxy, and both find the bucket
 * missing: whichever creates it second must start all the same (it used to die at start-up in about one
 * start in four).
 */
@Tag("component")
class BucketCreationRaceTest {

    private static final int SERVICES = 4;
    private static final int STARTS = 12;

    private static final S3ProxyTestResource S3PROXY = new S3ProxyTestResource();
    private static final List<S3Client> CLIENTS = new ArrayList<>();

    @BeforeAll
    static void startS3Proxy() {
        S3PROXY.start();
    }

    @AfterAll
    static void stopS3Proxy() {
        CLIENTS.forEach(S3Client::close);
        S3PROXY.stop();
    }

    @Test
    void servicesThatCreateTheBucketTogetherAllStartAndShareIt() throws Exception {
        ExecutorService services = Executors.newFixedThreadPool(SERVICES);
        try {
            for (int start = 0; start < STARTS; start++) {
                String bucket = "race-" + start;
                CyclicBarrier together = new CyclicBarrier(SERVICES);
                List<Future<?>> startUps = new ArrayList<>();
                for (int service = 0; service < SERVICES; service++) {
                    ObjectStorage storage = storage(bucket);
                    startUps.add(services.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        storage.createBucketIfMissing();
                        return null;
                    }));
                }
                for (Future<?> startUp : startUps) {
                    assertDoesNotThrow(() -> startUp.get(30, TimeUnit.SECONDS), "a service failed to start on " + bucket);
                }
                storage(bucket).put("probe.txt", "text/plain", RequestBody.fromString("here"));
                assertEquals("here", CLIENTS.get(0).getObjectAsBytes(g -> g.bucket(bucket).key("probe.txt")).asUtf8String());
            }
        } finally {
            services.shutdownNow();
        }
    }

    /** What one service builds at start-up: its own client to the same s3proxy. */
    private static ObjectStorage storage(String bucket) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3ProxyTestResource.ACCESS_KEY, S3ProxyTestResource.SECRET_KEY));
        URI endpoint = URI.create(S3ProxyTestResource.endpoint());
        S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        synchronized (CLIENTS) {
            CLIENTS.add(s3);
        }
        S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        return new ObjectStorage(s3, presigner, bucket, Optional.empty(), Duration.ofMinutes(5));
    }
}

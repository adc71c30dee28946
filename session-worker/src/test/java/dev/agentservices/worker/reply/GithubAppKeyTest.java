package dev.agentservices.worker.reply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentservices.worker.WorkerTestProfile;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** GitHub App keys as GitHub issues them (PKCS #1) and as converted (PKCS #8) read to the same key. */
class GithubAppKeyTest {

    @Test
    void pkcs1AndPkcs8PemReadToTheSameKey() {
        byte[] expected = WorkerTestProfile.GITHUB_APP_KEY.getPrivate().getEncoded();
        assertArrayEquals(expected, GithubAppTokens.privateKey(WorkerTestProfile.GITHUB_APP_KEY_PEM).getEncoded());
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(expected) + "\n-----END PRIVATE KEY-----";
        assertArrayEquals(expected, GithubAppTokens.privateKey(pkcs8).getEncoded());
        // as an environment variable often carries it: one line with \n escapes
        assertArrayEquals(expected, GithubAppTokens.privateKey(WorkerTestProfile.GITHUB_APP_KEY_PEM.replace("\n", "\\n")).getEncoded());
        assertThrows(IllegalStateException.class, () -> GithubAppTokens.privateKey("not a key"));
    }
}

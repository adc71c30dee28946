package dev.agentservices.common.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalOnlyTest {

    @Test
    void onlyThisMachinesNamesPass() {
        for (String host : new String[] {"localhost", "localhost:8082", "127.0.0.1:8081", "[::1]:8080", "LOCALHOST"}) {
            assertTrue(LocalOnly.isLocal(host), host);
        }
        for (String host : new String[] {null, "", "evil.example", "evil.example:8082", "127.0.0.1.evil.example",
                "localhost.evil.example", "localhost:80x", "127.0.0.2", "[::2]:80", "localhost:8082@evil", "0.0.0.0:8082"}) {
            assertFalse(LocalOnly.isLocal(host), String.valueOf(host));
        }
    }
}

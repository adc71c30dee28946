package dev.agentservices.worker.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading an object's uid from the API server's answer without parsing the whole object. */
class SessionsNamespaceApiTest {

    @Test
    void theUidIsTheTopLevelMetadatasWhateverComesBeforeIt() {
        assertEquals("4f1c2a9e-1b2d-4c3e-8f00-0123456789ab", uid("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"spec\":{\"metadata\":"
                + "{\"uid\":\"not-this\"},\"containers\":[{\"name\":\"runner\"}]},\"metadata\":{\"name\":\"session-1\","
                + "\"labels\":{\"uid\":\"nor-this\"},\"uid\":\"4f1c2a9e-1b2d-4c3e-8f00-0123456789ab\"},\"status\":{}}"));
    }

    @Test
    void noUidWhereThereIsNone() {
        assertNull(uid("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"session-1\"}}"));
        assertNull(uid("{\"kind\":\"Pod\",\"metadata\":\"odd\"}"));
        assertNull(uid("[{\"metadata\":{\"uid\":\"in-a-list\"}}]"));
        assertNull(uid("not json"));
        assertNull(uid(""));
        assertNull(SessionsNamespaceApi.uid(null));
    }

    private static String uid(String json) {
        return SessionsNamespaceApi.uid(json.getBytes(StandardCharsets.UTF_8));
    }
}

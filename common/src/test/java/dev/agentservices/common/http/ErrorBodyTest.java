package dev.agentservices.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    @Test
    void theRestLayersOwnRefusalsHaveTheSameCodeInEveryService() {
        assertEquals("not_found", ErrorBody.codeOf(404));
        assertEquals("method_not_allowed", ErrorBody.codeOf(405));
        assertEquals("not_acceptable", ErrorBody.codeOf(406));
        assertEquals("unsupported_media_type", ErrorBody.codeOf(415));
        assertEquals("bad_request", ErrorBody.codeOf(400));
        assertEquals("bad_request", ErrorBody.codeOf(422));
    }
}

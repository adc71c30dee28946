package dev.agentservices.common.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OtelEnvironmentConfigSourceTest {

    @Test
    void theTracesVariableWinsOverTheGeneralOneAndBlankOnesAreLeftOut() {
        assertEquals(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://traces:4318", "tracing.exporting", "true",
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.service.name", "gateway-eu"),
                OtelEnvironmentConfigSource.properties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                        "OTEL_EXPORTER_OTLP_HEADERS", " ", "OTEL_SERVICE_NAME", "gateway-eu")));
    }

    @Test
    void nothingSetMapsNothing() {
        assertEquals(Map.of(), OtelEnvironmentConfigSource.properties(Map.of("PATH", "/usr/bin")));
    }
}

package dev.agentservices.common.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

/** With an OTLP endpoint (OtelEnvironmentConfigSource sets tracing.exporting), TracesNotExported steps aside. */
@Tag("component")
class TracesExportedTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TracesNotExported.class, OtelEnvironmentConfigSource.class))
            .overrideConfigKey("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9")
            .overrideConfigKey(OtelEnvironmentConfigSource.EXPORTING, "true");

    @Test
    void withAnEndpointNoBeanStandsInForQuarkussExporter() {
        assertTrue(exporters().isUnsatisfied());
    }

    private static Instance<SpanExporter> exporters() {
        return CDI.current().select(SpanExporter.class);
    }
}

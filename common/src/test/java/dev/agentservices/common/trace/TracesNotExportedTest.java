package dev.agentservices.common.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

/** Without an OTLP endpoint, spans end in TracesNotExported instead of Quarkus's exporter to localhost:4317. */
@Tag("component")
class TracesNotExportedTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TracesNotExported.class, OtelEnvironmentConfigSource.class));

    @Test
    void withoutAnEndpointTheOnlyExporterExportsNothing() {
        List<SpanExporter> all = exporters().stream().toList();
        assertEquals(1, all.size(), all.toString());
        assertTrue(all.get(0) instanceof TracesNotExported, all.toString());
    }

    private static Instance<SpanExporter> exporters() {
        return CDI.current().select(SpanExporter.class);
    }
}

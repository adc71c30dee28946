package dev.agentservices.common.trace;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupUnlessProperty;
import jakarta.inject.Singleton;
import java.util.Collection;

/**
 * The span exporter while no OTLP endpoint is configured: spans end here. Quarkus would otherwise send them
 * to localhost:4317 and log a failure for every batch. Being there also keeps Quarkus's OTLP exporter out;
 * with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set ({@code tracing.exporting=true}) this bean is not looked up
 * and that exporter is used. (The OTLP endpoint property cannot tell: it has a default.)
 */
@Singleton
@LookupUnlessProperty(name = OtelEnvironmentConfigSource.EXPORTING, stringValue = "true", lookupIfMissing = true)
public class TracesNotExported implements SpanExporter {

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}

package dev.agentservices.common.trace;

import io.smallrye.config.common.MapBackedConfigSource;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenTelemetry's standard variables ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, …) as the {@code quarkus.otel.*}
 * properties Quarkus reads, so a platform team configures tracing the way every other program of theirs is
 * configured. The signal-specific variable wins over the general one, as in the OpenTelemetry specification.
 * Without an endpoint nothing is exported ({@link TracesNotExported}).
 */
public final class OtelEnvironmentConfigSource extends MapBackedConfigSource {

    /** True when an OTLP endpoint is configured and spans are exported ({@code TRACING_EXPORTING} may say so too). */
    public static final String EXPORTING = "tracing.exporting";

    /** Just below the environment's own ordinal, so an explicit {@code QUARKUS_OTEL_...} still wins. */
    private static final int ORDINAL = 295;

    public OtelEnvironmentConfigSource() {
        super("OpenTelemetry environment variables", properties(System.getenv()), ORDINAL);
    }

    static Map<String, String> properties(Map<String, String> environment) {
        Map<String, String> properties = new HashMap<>();
        map(environment, properties, "quarkus.otel.exporter.otlp.traces.endpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "OTEL_EXPORTER_OTLP_ENDPOINT");
        map(environment, properties, "quarkus.otel.exporter.otlp.traces.protocol", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                "OTEL_EXPORTER_OTLP_PROTOCOL");
        map(environment, properties, "quarkus.otel.exporter.otlp.traces.headers", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                "OTEL_EXPORTER_OTLP_HEADERS");
        if (properties.containsKey("quarkus.otel.exporter.otlp.traces.endpoint")) {
            properties.put(EXPORTING, "true");
        }
        map(environment, properties, "quarkus.otel.service.name", "OTEL_SERVICE_NAME");
        map(environment, properties, "quarkus.otel.resource.attributes", "OTEL_RESOURCE_ATTRIBUTES");
        return properties;
    }

    private static void map(Map<String, String> environment, Map<String, String> properties, String property, String... variables) {
        for (String variable : variables) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                properties.put(property, value.trim());
                return;
            }
        }
    }
}

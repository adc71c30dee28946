package dev.agentservices.common.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which spans are recorded. While traces are exported ({@code tracing.exporting}, set by the OpenTelemetry
 * variables): every span whose parent is sampled or that starts a trace, except the health and metrics
 * endpoints under {@code /q/}. While nothing is exported: none is recorded; the spans still get their ids
 * and carry the trace on (traceparent with the sampled flag off), at a fraction of the cost: recording
 * spans nobody reads took a fifth of the gateway's CPU under load (docs/benchmarks.md).
 */
@Singleton
public class TraceSampler implements Sampler {

    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

    private final Sampler delegate;

    public TraceSampler(@ConfigProperty(name = OtelEnvironmentConfigSource.EXPORTING, defaultValue = "false") boolean exporting) {
        this.delegate = exporting ? Sampler.parentBased(Sampler.alwaysOn()) : Sampler.alwaysOff();
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
            List<LinkData> links) {
        String path = attributes.get(URL_PATH);
        if (kind == SpanKind.SERVER && path != null && path.startsWith("/q/")) {
            return SamplingResult.drop();
        }
        return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
        return "agent-services(" + delegate.getDescription() + ")";
    }
}

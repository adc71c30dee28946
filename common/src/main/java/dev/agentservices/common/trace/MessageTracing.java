package dev.agentservices.common.trace;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.MDC;

/**
 * Carries the W3C trace context across NATS: every message a flow publishes gets the {@code traceparent}
 * (and {@code tracestate}) of the span that published it, and a consumer continues the trace of the message
 * it applies in a span of its own. HTTP is traced by Quarkus itself; this is the part between the services.
 * With no exporter configured nothing leaves the process, but the context still travels.
 */
@Singleton
public class MessageTracing {

    /** The header names of W3C Trace Context, as HTTP and NATS carry them. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapSetter<Headers> SETTER = (headers, name, value) -> headers.put(name, value);
    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return headers.keySet();
        }

        @Override
        public String get(Headers headers, String name) {
            return headers == null ? null : headers.getFirst(name);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    public MessageTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("dev.agentservices.nats");
    }

    /** Writes the current trace context into {@code headers}, replacing one they carried; nothing when there is none. */
    public void inject(Headers headers) {
        if (!Span.current().getSpanContext().isValid()) {
            return;
        }
        headers.remove(TRACEPARENT, "tracestate");
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), headers, SETTER);
    }

    /** The current span as a {@code traceparent} value (for a run's process), or null outside any trace. */
    public String currentTraceparent() {
        Headers headers = new Headers();
        inject(headers);
        List<String> values = headers.get(TRACEPARENT);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** What {@link #consume} does with a message. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} in a consumer span continuing the message's trace (a new trace when it carries none),
     * with the trace and span ids in the log context; the span records a failure and ends when work returns.
     */
    public void consume(Message message, String operation, Work work) throws Exception {
        Context parent = openTelemetry.getPropagators().getTextMapPropagator()
                .extract(Context.root(), message.getHeaders(), GETTER);
        Span span = tracer.spanBuilder(operation + " " + message.getSubject()).setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.destination.name", message.getSubject())
                .startSpan();
        SpanContext context = span.getSpanContext();
        try (Scope ignored = span.makeCurrent()) {
            MDC.put("traceId", context.getTraceId());
            MDC.put("spanId", context.getSpanId());
            work.run();
        } catch (Exception | Error e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.recordException(e);
            throw e;
        } finally {
            MDC.remove("traceId");
            MDC.remove("spanId");
            span.end();
        }
    }
}

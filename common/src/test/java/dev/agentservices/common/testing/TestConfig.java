package dev.agentservices.common.testing;

import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;

/** Builds configuration as a service would (the shared defaults included), for plain JUnit tests. */
public final class TestConfig {

    private TestConfig() {
    }

    public static SmallRyeConfig build(Map<String, String> properties, Class<?>... mappings) {
        return build(properties, List.of(), mappings);
    }

    public static SmallRyeConfig build(Map<String, String> properties, List<ConfigSourceFactory> factories,
            Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDiscoveredConverters()
                .withSources(new PropertiesConfigSource(properties, "test", 400));
        builder.withSources(new PropertiesConfigSource(
                loadDefaults(), "META-INF/microprofile-config.properties", 100));
        factories.forEach(builder::withSources);
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder.build();
    }

    private static Map<String, String> loadDefaults() {
        java.util.Properties defaults = new java.util.Properties();
        try (var in = TestConfig.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            defaults.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> map = new java.util.HashMap<>();
        defaults.forEach((k, v) -> map.put((String) k, (String) v));
        return map;
    }
}

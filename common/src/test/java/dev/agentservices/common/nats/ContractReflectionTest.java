package dev.agentservices.common.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ContractReflectionTest {

    /** The packages whose records and enums travel over NATS as JSON. */
    private static final List<String> CONTRACT = List.of("model", "runner", "session", "team");

    @Test
    void everyRecordAndEnumOfTheContractIsRegisteredForReflection() throws Exception {
        Set<String> registered = new TreeSet<>();
        for (Class<?> target : ContractReflection.class.getAnnotation(RegisterForReflection.class).targets()) {
            registered.add(target.getName());
        }
        Set<String> contract = new TreeSet<>();
        for (String name : classNames()) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            boolean visible = Modifier.isPublic(type.getModifiers());
            if (visible && (type.isRecord() || type.isEnum())) {
                contract.add(name);
            }
        }
        assertEquals(contract, registered, "add the new record or enum to ContractReflection's targets");
    }

    private static List<String> classNames() throws IOException, URISyntaxException {
        Path classes = Path.of(ContractReflection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path base = classes.resolve("dev/agentservices/common");
        List<String> names = new java.util.ArrayList<>();
        for (String pkg : CONTRACT) {
            try (Stream<Path> files = Files.list(base.resolve(pkg))) {
                files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".class"))
                        .map(file -> "dev.agentservices.common." + pkg + "." + file.substring(0, file.length() - ".class".length())
                                .replace('/', '.'))
                        .forEach(names::add);
            }
        }
        return names;
    }
}

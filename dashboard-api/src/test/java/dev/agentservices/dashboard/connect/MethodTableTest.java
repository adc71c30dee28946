package dev.agentservices.dashboard.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.proto.api.v1.DashboardServiceProto;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Connect route serves what the service descriptor declares, from the descriptor itself. */
class MethodTableTest {

    @Test
    void everyDeclaredMethodIsServed() {
        Set<String> declared = DashboardServiceProto.getDescriptor().findServiceByName("DashboardService").getMethods()
                .stream().map(method -> method.getName()).collect(Collectors.toSet());
        assertEquals(declared, ConnectResource.served());
    }
}

package dev.agentservices.common.nats;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * jnats ships no native-image metadata: it creates its socket layer by reflection. The classes it seeds
 * randomness into at class initialisation are initialised at run time through
 * {@code quarkus.native.additional-build-args} in each service.
 */
@RegisterForReflection(targets = io.nats.client.impl.SocketDataPort.class)
final class JnatsNativeHints {

    private JnatsNativeHints() {
    }
}

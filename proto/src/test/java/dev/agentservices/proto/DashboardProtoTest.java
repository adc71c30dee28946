package dev.agentservices.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.util.JsonFormat;
import dev.agentservices.proto.api.v1.DashboardServiceProto;
import dev.agentservices.proto.api.v1.ListSessionsRequest;
import dev.agentservices.proto.api.v1.Session;
import dev.agentservices.proto.api.v1.SessionStatus;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardProtoTest {

    private static final Set<String> READ_METHODS = Set.of("ListSessions", "GetSession", "GetMetrics", "ListTeams",
            "GetTeamSettings", "ListDeadLetters");

    @Test
    void readMethodsAndOnlyThemHaveNoSideEffects() {
        ServiceDescriptor service = DashboardServiceProto.getDescriptor().findServiceByName("DashboardService");
        service.getMethods().forEach(method -> assertEquals(
                READ_METHODS.contains(method.getName()) ? IdempotencyLevel.NO_SIDE_EFFECTS : IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
                method.getOptions().getIdempotencyLevel(), method.getName()));
        assertEquals(14, service.getMethods().size());
    }

    @Test
    void messagesRoundTripThroughBinaryAndCanonicalJson() throws Exception {
        Session session = Session.newBuilder().setId("2d971cad").setAgent("buck").setSessionKey("buck:jira:OPS-7")
                .setStatus(SessionStatus.SESSION_STATUS_RUNNING).setRun(2).build();

        assertEquals(session, Session.parseFrom(session.toByteArray()));
        String json = JsonFormat.printer().print(session);
        assertEquals(true, json.contains("\"sessionKey\": \"buck:jira:OPS-7\""), json);
        assertEquals(true, json.contains("\"status\": \"SESSION_STATUS_RUNNING\""), json);
        Session.Builder parsed = Session.newBuilder();
        JsonFormat.parser().merge("{\"session_key\":\"buck:jira:OPS-7\",\"status\":\"SESSION_STATUS_RUNNING\",\"run\":2,"
                + "\"id\":\"2d971cad\",\"agent\":\"buck\"}", parsed);
        assertEquals(session, parsed.build());
        assertEquals(50, ListSessionsRequest.newBuilder().setPageSize(50).build().getPageSize());
    }
}

package dev.agentservices.dashboard.terminal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionView;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * {@code /ws/sessions/{id}/attach}: the session's terminal in the browser. Binary frames carry keystrokes
 * in and terminal output out; a text frame {@code {"type":"resize","cols":120,"rows":40}} resizes. The
 * socket closes with a reason when the pod or the tmux session ends, or the attach fails. Who may
 * connect is decided before the upgrade by {@link TerminalUpgradeCheck}.
 */
@WebSocket(path = "/ws/sessions/{id}/attach", endpointId = TerminalSocket.ENDPOINT_ID)
public class TerminalSocket {

    static final String ENDPOINT_ID = "terminal";
    /** Close codes: 1000 normal end, 4404 nothing to attach to, 4400 a bad control message. */
    static final int NOTHING_TO_ATTACH = 4404;

    private static final Logger LOG = Logger.getLogger(TerminalSocket.class);

    private final SessionView view;
    private final TerminalBackend backend;
    private final TerminalConfig config;
    private final ObjectMapper mapper;
    private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();

    public TerminalSocket(SessionView view, TerminalBackend backend, TerminalConfig config, ObjectMapper mapper) {
        this.view = view;
        this.backend = backend;
        this.config = config;
        this.mapper = mapper;
    }

    /** The control message: only {@code resize} so far. */
    public record Control(String type, int cols, int rows) {
    }

    @OnOpen
    @Blocking // starts a process or a Kubernetes exec, which wait for their start
    public void open(WebSocketConnection connection) {
        Session session = view.get(connection.pathParam("id")).map(SessionView.Versioned::session).orElse(null);
        if (session == null) {
            connection.close(new CloseReason(NOTHING_TO_ATTACH, "There is no such session")).subscribe().with(ignored -> { });
            return;
        }
        try {
            Terminal terminal = backend.attach(session, config.columns(), config.rows(), new Terminal.Listener() {
                @Override
                public void output(byte[] bytes) {
                    connection.sendBinary(Buffer.buffer(bytes)).subscribe().with(ignored -> { }, failure -> { });
                }

                @Override
                public void closed(String reason) {
                    terminals.remove(connection.id());
                    if (connection.isOpen()) {
                        connection.close(new CloseReason(CloseReason.NORMAL.getCode(), reason)).subscribe()
                                .with(ignored -> { }, failure -> { });
                    }
                }
            });
            // one connection's callbacks run one at a time (the endpoint's serial inbound processing), so its
            // @OnClose, and any keystroke, comes after this put, even when the terminal ended during attach
            terminals.put(connection.id(), terminal);
            LOG.infof("Terminal of session %s attached (%s)", session.id(), connection.id());
        } catch (TerminalBackend.TerminalUnavailableException e) {
            connection.close(new CloseReason(NOTHING_TO_ATTACH, e.getMessage())).subscribe().with(ignored -> { });
        }
    }

    @OnBinaryMessage
    @Blocking // writes to a process or an exec stream
    public void input(WebSocketConnection connection, byte[] input) {
        Terminal terminal = terminals.get(connection.id());
        if (terminal != null) {
            terminal.write(input);
        }
    }

    @OnTextMessage
    @Blocking
    public void control(WebSocketConnection connection, String message) {
        Terminal terminal = terminals.get(connection.id());
        Control control;
        try {
            control = mapper.readValue(message, Control.class);
        } catch (IOException e) {
            control = null;
        }
        if (control == null || !"resize".equals(control.type()) || control.cols() < 1 || control.rows() < 1
                || control.cols() > 1000 || control.rows() > 1000) {
            connection.close(new CloseReason(4400, "Send {\"type\":\"resize\",\"cols\":N,\"rows\":N} as text; keystrokes as binary"))
                    .subscribe().with(ignored -> { });
            return;
        }
        if (terminal != null) {
            terminal.resize(control.cols(), control.rows());
        }
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Terminal terminal = terminals.remove(connection.id());
        if (terminal != null) {
            terminal.close();
            LOG.infof("Terminal %s detached", connection.id());
        }
    }
}

package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatLimits;
import dev.parley.chat.control.Connection;
import dev.parley.chat.control.Moderation;
import dev.parley.chat.control.Outbox;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Handshake;
import dev.parley.chat.entity.Identity;
import dev.parley.ops.control.Metrics;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat connection. It turns frames into commands for {@link Rooms} and {@link Users}; everything it sends
 * goes through the connection's outbox. {@code @Dependent} because Open Liberty injects only into endpoints that
 * are CDI beans.
 */
@Dependent
@ServerEndpoint(value = "/chat",
        encoders = EventEncoder.class,
        decoders = CommandDecoder.class,
        configurator = HandshakeConfigurator.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    Rooms rooms;
    @Inject
    Users users;
    @Inject
    Metrics metrics;
    @Inject
    Moderation moderation;
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    Executor executor;

    private final EventEncoder encoder = new EventEncoder();
    private Connection connection;
    private boolean admitted;

    @OnOpen
    public void open(Session session) {
        Handshake handshake = (Handshake) session.getUserProperties().get(Handshake.KEY);
        ChatLimits limits = users.limits();
        session.setMaxTextMessageBufferSize(limits.maxFrameBytes());
        Users.Admission admission = users.identify(handshake);
        Identity identity = admission instanceof Users.Admitted admitted ? admitted.identity()
                : new Identity(String.valueOf(handshake.name()), false);
        Outbox outbox = new Outbox(new SessionSink(session), executor, limits.outboxMaxFrames(),
                limits.outboxMaxBytes(), metrics::closed);
        connection = new Connection(session.getId(), identity, outbox, encoder::encode, limits);
        connection.address((String) session.getUserProperties().get(RemoteAddress.KEY));
        if (admission instanceof Users.Admitted && moderation.banned(identity.key(), connection.address())) {
            admission = new Users.Refused(ErrorCode.BANNED, Closing.BANNED, "you are banned");
        }
        Users.Refused refusal = admission instanceof Users.Refused refused ? refused
                : users.register(connection, handshake.resume());
        if (refusal != null) {
            LOG.info(() -> "refused connection " + session.getId() + ": " + refusal.code().wire());
            connection.reject(refusal.code(), refusal.message(), refusal.closing());
            return;
        }
        admitted = true;
        metrics.connectionOpened();
        LOG.fine(() -> "connected " + connection);
        connection.send(new Event.Welcome(Event.PROTOCOL, connection.user(), connection.resumeToken(),
                rooms.listed()));
    }

    @OnMessage
    public void onCommand(Command command) {
        if (!admitted) {
            return;
        }
        if (command instanceof Command.Oversized oversized) {
            connection.close(Closing.TOO_BIG, "frame over " + users.limits().maxFrameBytes() + " bytes");
            return;
        }
        if (!connection.withinRate(command)) {
            connection.refuse(command, ErrorCode.RATE_LIMITED, "too many commands; slow down");
            return;
        }
        try {
            dispatch(command);
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "command " + command.type() + " of " + connection + " failed", failed);
            connection.refuse(command, ErrorCode.INTERNAL, "the server failed; retry");
        }
    }

    private void dispatch(Command command) {
        if (command instanceof Command.Malformed malformed) {
            connection.refuse(malformed, ErrorCode.BAD_REQUEST, malformed.reason());
        } else if (command instanceof Command.Join join) {
            rooms.join(connection, join);
        } else if (command instanceof Command.Leave leave) {
            rooms.leave(connection, leave);
        } else if (command instanceof Command.Say say) {
            rooms.post(connection, say);
        } else if (command instanceof Command.Whisper whisper) {
            users.whisper(connection, whisper);
        } else if (command instanceof Command.Typing typing) {
            rooms.typing(connection, typing);
        } else if (command instanceof Command.History history) {
            rooms.history(connection, history);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (connection == null) {
            return;
        }
        connection.closed();
        if (admitted) {
            users.release(connection);
            rooms.disconnected(connection);
            LOG.fine(() -> "disconnected " + connection + " with " + reason.getCloseCode().getCode());
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        if (failure instanceof IOException) {
            LOG.log(Level.FINE, "connection " + session.getId() + " broke", failure);
        } else {
            LOG.log(Level.WARNING, "connection " + session.getId() + " failed", failure);
        }
    }
}

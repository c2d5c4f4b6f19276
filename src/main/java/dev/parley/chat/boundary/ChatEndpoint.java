package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatLimits;
import dev.parley.chat.control.Connection;
import dev.parley.chat.control.ConnectionGate;
import dev.parley.chat.control.ConnectionLog;
import dev.parley.chat.control.Outbox;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Handshake;
import dev.parley.chat.entity.Identity;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat connection. It turns frames into commands for {@link Rooms} and {@link Users}; everything it sends
 * goes through the connection's outbox. {@code @Dependent} because Open Liberty injects only into endpoints that
 * are CDI beans.
 */
@Dependent
// The codecs are Parley's own types, named here as the protocol's (the product's fixed shape). The text handler below
// takes frames in parts to count their size as they arrive, and a container applies no Decoder to a partial handler,
// so it decodes with the same decoder itself; frames go out as text Frames made once per broadcast. The container
// still builds a pair per connection (on WildFly ~1.5 KB of heap per idle connection, issue #15).
@ServerEndpoint(
        value = "/chat",
        encoders = EventEncoder.class,
        decoders = CommandDecoder.class,
        configurator = HandshakeConfigurator.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    /** Stateless, so one serves every connection. */
    private static final CommandDecoder DECODER = new CommandDecoder();

    /** Its collaborators, one injection point: the container builds an endpoint per connection (issue #15). */
    @Inject
    ChatServices services;

    private FrameAssembler frames;
    private Connection connection;
    private boolean admitted;
    private HttpSession login;
    private String loginSession;
    private ConnectionGate.Ticket ticket;
    private String address;

    @OnOpen
    public void open(Session session, EndpointConfig config) {
        // taken out, not read: the session and its endpoint config (a copy per connection; the container may keep
        // the handshake's) hold their user properties for as long as the connection is open
        Map<String, Object> properties = session.getUserProperties();
        Handshake handshake = (Handshake) properties.remove(Handshake.KEY);
        Object loginProperty = properties.remove(HandshakeConfigurator.LOGIN);
        Object loginSessionProperty = properties.remove(HandshakeConfigurator.LOGIN_SESSION);
        config.getUserProperties().keySet().removeAll(HandshakeConfigurator.KEYS);
        ChatLimits limits = services.users().limits();
        session.setMaxTextMessageBufferSize(limits.maxFrameBytes());
        frames = new FrameAssembler(limits.maxFrameBytes());
        address = services.gate().clientAddress(handshake);
        Users.Admission admission = services.origins().refusal(handshake);
        if (admission == null) {
            ticket = services.gate().enter(address);
            admission = ticket.admitted()
                    ? services.users().identify(handshake)
                    : services.gate().accepting()
                            ? new Users.Refused(ErrorCode.LIMIT_EXCEEDED, Closing.LIMIT_EXCEEDED, ticket.refusal())
                            : new Users.Refused(ErrorCode.INTERNAL, Closing.GOING_AWAY, ticket.refusal());
        }
        Identity identity = admission instanceof Users.Admitted admitted
                ? admitted.identity()
                : new Identity(String.valueOf(handshake.name()), false);
        Outbox outbox = new Outbox(
                new SessionSink(session),
                services.executor(),
                limits.outboxMaxFrames(),
                limits.outboxMaxBytes(),
                services.budget(),
                services.metrics()::closed,
                services.writers().batching(handshake.batch()));
        connection = new Connection(session.getId(), identity, outbox, limits);
        connection.runsCommandsWith(this::runGuarded);
        connection.keepsRooms(handshake.membership() && identity.authenticated());
        connection.address(ConnectionGate.UNKNOWN.equals(address) ? null : address);
        connection.whenStruckOut(() -> services.gate().struckOut(address));
        if (admission instanceof Users.Admitted && services.moderation().banned(identity.key(), connection.address())) {
            admission = new Users.Refused(ErrorCode.BANNED, Closing.BANNED, "you are banned");
        }
        Users.Refused refusal = admission instanceof Users.Refused refused
                ? refused
                : services.users().register(connection, handshake.resume());
        if (refusal != null) {
            if (ticket != null) {
                ticket.release();
            }
            long leftOut = services.gate().refusalsLeftOutBefore(address);
            if (leftOut >= 0) {
                ConnectionLog.refused(
                        session.getId(),
                        identity.name(),
                        address,
                        refusal.code().wire(),
                        refusal.closing().getCode(),
                        leftOut,
                        refusal.closing() == Closing.ORIGIN_REFUSED ? handshake.origin() : null);
            }
            connection.reject(refusal.code(), refusal.message(), refusal.closing());
            return;
        }
        admitted = true;
        if (identity.authenticated() && loginProperty instanceof HttpSession httpSession) {
            login = httpSession;
            loginSession = (String) loginSessionProperty;
            if (!LoginSessions.opened(login, loginSession, services.users(), connection)) {
                connection.reject(ErrorCode.UNAUTHORIZED, "your login ended; log in again", Closing.UNAUTHORIZED);
                return;
            }
        }
        services.liveness().watch(connection);
        ConnectionLog.connected(connection, address);
        services.metrics().connectionOpened();
        connection.send(new Event.Welcome(
                Event.PROTOCOL,
                connection.user(),
                connection.resumeToken(),
                services.rooms().listed(),
                services.rooms().fileLimits()));
        services.memberships().connected(connection);
    }

    /** A pong answers the liveness ping; any frame at all shows the client is there. */
    @OnMessage
    public void onPong(PongMessage pong) {
        if (connection != null) {
            connection.pulse().heard(services.liveness().now());
        }
    }

    /**
     * Text frames arrive in parts (a partial handler) so that a frame over {@code parley.frame.max-bytes} is closed
     * with 1009 as soon as its running total passes the limit, instead of after the container has buffered all of
     * it (WildFly and Open Liberty enforce no limit themselves). A container applies no {@code Decoder} to a
     * partial handler, so the complete frame goes through {@link CommandDecoder} here.
     */
    @OnMessage
    public void onText(String part, boolean last) {
        if (!admitted) {
            return;
        }
        connection.pulse().heard(services.liveness().now());
        switch (frames.add(part, last)) {
            case COMPLETE -> onCommand(DECODER.decode(frames.take()));
            case TOO_BIG ->
                connection.close(
                        Closing.TOO_BIG,
                        "frame over " + services.users().limits().maxFrameBytes() + " bytes");
            case INCOMPLETE, DISCARDED -> {}
        }
    }

    void onCommand(Command command) {
        if (connection.struckOut()) {
            return; // its close is on its way: reading on would cost as much as the flood it ends
        }
        if (!connection.withinRate(command)) {
            connection.refuseOverRate(command, "too many commands; slow down");
            return;
        }
        if (!services.gate().withinAddressRate(address, Connection.isPost(command))) {
            connection.refuseOverRate(command, "too many commands from your address on all its connections");
            return;
        }
        connection.run(command);
    }

    /** Runs one command; a failure answers it with {@code internal} and leaves the connection open. */
    private void runGuarded(Command command) {
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
            services.rooms().join(connection, join);
        } else if (command instanceof Command.Leave leave) {
            services.rooms().leave(connection, leave);
        } else if (command instanceof Command.Say say) {
            services.rooms().post(connection, say);
        } else if (command instanceof Command.Whisper whisper) {
            services.users().whisper(connection, whisper);
        } else if (command instanceof Command.Typing typing) {
            services.rooms().typing(connection, typing);
        } else if (command instanceof Command.History history) {
            services.rooms().history(connection, history);
        } else if (command instanceof Command.Read read) {
            services.rooms().read(connection, read);
        } else if (command instanceof Command.Receipts receipts) {
            services.memberships()
                    .receipts(connection, receipts, services.users().connectionsOf(connection.userKey()));
        } else if (command instanceof Command.Direct direct) {
            services.conversations().direct(connection, direct);
        } else if (command instanceof Command.Create create) {
            services.rooms().createConversation(connection, create);
        } else if (command instanceof Command.Invite invite) {
            services.rooms().invite(connection, invite);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (ticket != null) {
            ticket.release();
        }
        if (connection == null) {
            return;
        }
        connection.closed();
        if (admitted) {
            services.liveness().forget(connection);
            services.users().release(connection);
            if (login != null) {
                LoginSessions.closed(login, loginSession, services.users(), connection);
            }
            services.rooms().disconnected(connection);
            ConnectionLog.disconnected(
                    connection, address, reason.getCloseCode().getCode());
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

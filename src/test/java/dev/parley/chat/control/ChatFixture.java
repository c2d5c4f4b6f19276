package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.FileSettings;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.OnlineHere;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.PresenceHere;
import dev.parley.chat.entity.Relayed;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import dev.parley.testing.EventDouble;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Users and Rooms wired as the container wires them, with the archive double and plain executors; the double answers
 * posts on the posting thread and broadcasts start their sends there, so a test sees every frame once the call
 * returns (unless the archive double holds posts back); a {@code history} is answered on a thread of its own.
 */
public class ChatFixture implements AutoCloseable {

    public final ChatLimits limits;
    public final ArchiveDouble archive;
    public final AccountsDouble accounts;
    public final Users users = new Users();
    public final Rooms rooms = new Rooms();
    public final Posting posting = new Posting();
    public final Metrics metrics = new Metrics();
    public final Moderation moderation = new Moderation();
    public final HistoryReads historyReads = new HistoryReads();
    public final MembershipsDouble kept;
    public final Memberships memberships = new Memberships();
    public final PrivateRoomsDouble privateRooms;
    public final Conversations conversations = new Conversations();
    public final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    public final ExecutorService closer = Executors.newSingleThreadExecutor();
    public final ConnectionGate gate = new ConnectionGate();
    public final Liveness liveness = new Liveness();
    public final OutboundBudget budget;
    public final AllowedOrigins origins = new AllowedOrigins();
    public final FrameWriters writers;
    private final AtomicInteger ids = new AtomicInteger();
    /** What the node's archive tells the node's observers of {@link PostsSettled} (a node of several only). */
    public Consumer<PostsSettled> settled = this::settledToRooms;
    /** Who tells the node's observers of {@link PresenceHere} (a node of several: its cluster). */
    public volatile Consumer<PresenceHere> presenceHere = event -> {};
    /** Who tells the node's observers of {@link OnlineHere} (a node of several: its cluster). */
    public volatile Consumer<OnlineHere> onlineHere = event -> {};
    /** Who tells the node's observers of {@link Relayed} (a node of several: its cluster). */
    public volatile Consumer<Relayed> relayed = event -> {};

    public ChatFixture(Map<String, String> settings) {
        this(settings, new AccountsDouble());
    }

    /** A fixture whose users find these accounts stored, as after a restart. */
    public ChatFixture(Map<String, String> settings, AccountsDouble accounts) {
        this(settings, accounts, new ArchiveDouble(), true);
    }

    /**
     * One node of several that share this archive (cluster mode): each node's posts are answered to that node only,
     * and {@link #settled} tells every observer of the node.
     */
    public static ChatFixture node(Map<String, String> settings, ArchiveDouble shared) {
        return new ChatFixture(settings, new AccountsDouble(), shared, false);
    }

    private ChatFixture(Map<String, String> settings, AccountsDouble accounts, ArchiveDouble archive, boolean alone) {
        this.accounts = accounts;
        this.archive = archive;
        kept = new MembershipsDouble(archive);
        privateRooms = new PrivateRoomsDouble(archive, accounts);
        limits = ChatLimits.from(Settings.of(settings));
        budget = new OutboundBudget(limits.outboundTotalChars());
        origins.allowed = limits.allowedOrigins();
        users.limits = limits;
        users.accounts = accounts;
        users.loadAccounts();
        rooms.limits = limits;
        rooms.fileRules = FileSettings.from(Settings.of(settings));
        rooms.archive = archive;
        rooms.metrics = metrics;
        writers = new FrameWriters(Runnable::run, 1, Batching.from(limits, scheduler));
        rooms.writers = writers;
        rooms.moderation = moderation;
        rooms.scheduler = scheduler;
        rooms.posting = posting;
        rooms.loader = Runnable::run;
        historyReads.start(
                HistoryLimits.from(Settings.of(settings)), limits.outboxMaxBytes(), Executors.defaultThreadFactory());
        rooms.historyReads = historyReads;
        memberships.archive = kept;
        memberships.privateRooms = privateRooms;
        memberships.relayed = new EventDouble<>(event -> relayed.accept(event));
        memberships.start(MembershipSettings.from(Settings.of(settings)), Executors.defaultThreadFactory(), scheduler);
        rooms.memberships = memberships;
        conversations.archive = privateRooms;
        conversations.kept = kept;
        conversations.memberships = memberships;
        conversations.users = users;
        conversations.relayed = new EventDouble<>(event -> relayed.accept(event));
        conversations.start(MembershipSettings.from(Settings.of(settings)));
        rooms.conversations = conversations;
        rooms.presenceHere = new EventDouble<>(event -> presenceHere.accept(event));
        rooms.relayed = new EventDouble<>(event -> relayed.accept(event));
        users.metrics = metrics;
        users.onlineHere = new EventDouble<>(event -> onlineHere.accept(event));
        users.relayed = new EventDouble<>(event -> relayed.accept(event));
        posting.limits = limits;
        posting.scheduler = scheduler;
        posting.messagePosted = alone
                ? new EventDouble<>(archive::onMessagePosted)
                : new EventDouble<>(posted -> archive.onMessagePosted(posted, settled -> this.settled.accept(settled)));
        posting.startSweeping();
        if (alone) {
            archive.settled = rooms::onPostsSettled;
        }
        rooms.load();
        gate.use(ConnectionLimits.from(Settings.of(settings)), System::nanoTime);
        liveness.limits = gate.limits();
        liveness.scheduler = scheduler;
        liveness.executor = closer;
    }

    public ChatFixture() {
        this(Map.of());
    }

    private void settledToRooms(PostsSettled posts) {
        rooms.onPostsSettled(posts);
    }

    /** A guest connection that went through the handshake's checks and was registered. */
    public Connection guest(String name, RecordingSink sink) {
        Connection connection = connection(new Identity(name, false), sink);
        Users.Refused refused = users.register(connection, null);
        if (refused != null) {
            throw new AssertionError(name + " was refused: " + refused);
        }
        return connection;
    }

    /**
     * A logged-in user's connection that keeps rooms, with receipts on, registered (as after its {@code kept}; its
     * kept rooms are not read).
     */
    public Connection keeper(String name, RecordingSink sink) {
        Connection connection = connection(new Identity(name, true), sink);
        connection.keepsRooms(true);
        connection.receiptsOn(true);
        Users.Refused refused = users.register(connection, null);
        if (refused != null) {
            throw new AssertionError(name + " was refused: " + refused);
        }
        return connection;
    }

    /** A node of several: the accounts and conversations are those of the database the nodes share. */
    public void share(AccountsDouble sharedAccounts, PrivateRoomsDouble sharedConversations) {
        users.accounts = sharedAccounts;
        conversations.archive = sharedConversations;
        memberships.privateRooms = sharedConversations;
    }

    /** Runs the connection's commands as the endpoint does (its dispatch). */
    public Connection runsCommands(Connection connection) {
        connection.runsCommandsWith(command -> {
            if (command instanceof Command.Join join) {
                rooms.join(connection, join);
            } else if (command instanceof Command.Leave leave) {
                rooms.leave(connection, leave);
            } else if (command instanceof Command.Say say) {
                rooms.post(connection, say);
            } else if (command instanceof Command.Read read) {
                rooms.read(connection, read);
            } else if (command instanceof Command.History history) {
                rooms.history(connection, history);
            } else if (command instanceof Command.Receipts receipts) {
                memberships.receipts(connection, receipts, users.connectionsOf(connection.userKey()));
            } else if (command instanceof Command.Direct direct) {
                conversations.direct(connection, direct);
            } else if (command instanceof Command.Create create) {
                rooms.createConversation(connection, create);
            } else if (command instanceof Command.Invite invite) {
                rooms.invite(connection, invite);
            } else {
                throw new UnsupportedOperationException(command.type());
            }
        });
        return connection;
    }

    public Connection connection(Identity identity, RecordingSink sink) {
        Outbox outbox = new Outbox(sink, Runnable::run, limits.outboxMaxFrames(), limits.outboxMaxBytes());
        return new Connection("c" + ids.incrementAndGet(), identity, outbox, limits);
    }

    @Override
    public void close() throws InterruptedException {
        historyReads.stop();
        memberships.stop();
        scheduler.shutdownNow();
        closer.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
}

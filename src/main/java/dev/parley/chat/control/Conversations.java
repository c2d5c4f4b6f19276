package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.PrivateRooms;
import dev.parley.chat.entity.Relayed;
import dev.parley.chat.entity.RoomMemberships;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Private rooms and direct conversations (the conversations extension): rooms named {@code ~} and 16 of
 * {@code a-z 0-9}, an id space no public room name reaches, joined only by their members. {@link Rooms} runs them as
 * rooms; this bean knows who may join them, makes them, adds and removes members, and tells users' devices when they
 * were added ({@code invited}), on this node and, through {@link Relayed.Invited}, on the others.
 *
 * <p>Every database call runs on the memberships' thread ({@link Memberships#submit}), in order with the keeps and
 * forgets of kept rooms, so a conversation is kept before its join reads it. No container thread waits.
 */
@ApplicationScoped
public class Conversations {

    private static final Logger LOG = Logger.getLogger(Conversations.class.getName());

    static final int MAX_TITLE_CODE_POINTS = 64;

    @Inject
    PrivateRooms archive;

    @Inject
    RoomMemberships kept;

    @Inject
    Memberships memberships;

    @Inject
    Users users;

    @Inject
    jakarta.enterprise.event.Event<Relayed> relayed;

    /**
     * The conversations in use on this node, by room: read at their first join, refreshed by every change here,
     * dropped on news of one elsewhere and when their last member here leaves.
     */
    private final Map<String, Conversation> known = new ConcurrentHashMap<>();

    private final SecureRandom random = new SecureRandom();
    private MembershipSettings settings;
    private RateLimiters invitesByUser;

    @PostConstruct
    void start() {
        start(MembershipSettings.from(Settings.fromEnvironment()));
    }

    void start(MembershipSettings settings) {
        this.settings = settings;
        invitesByUser = RateLimiters.perHour(settings.invitesPerUserPerHour());
    }

    /** The conversation as this node last read it, or null if it has not (or it is no conversation). */
    public Conversation cached(String room) {
        return known.get(room);
    }

    /**
     * Reads the conversation for a join (one this node has not read yet), then hands it, or null if there is none, to
     * {@code then} on the memberships' thread; {@code busy} runs instead when too much waits for the database.
     */
    void load(String room, Consumer<Conversation> then, Runnable busy) {
        memberships.submit(
                () -> {
                    Conversation found;
                    try {
                        found = remember(archive.find(room));
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, "conversation " + room + " could not be read", failed);
                        found = null;
                    }
                    then.accept(found);
                },
                refused -> busy.run());
    }

    /**
     * Opens the direct conversation of the connection's user and {@code to}: made the first time, kept for both. The
     * connection is joined to it before its next command; the users' other devices that keep rooms, for whom it is
     * new, get {@code invited}.
     */
    public void direct(Connection connection, Command.Direct direct) {
        if (!mayHoldConversations(connection, direct)) {
            return;
        }
        if (!ProtocolRules.isUserName(direct.to())) {
            connection.refuse(direct, ErrorCode.USER_UNKNOWN, "there is no user " + direct.to());
            return;
        }
        String toKey = Identity.accountKey(direct.to());
        if (toKey.equals(connection.userKey())) {
            connection.refuse(direct, ErrorCode.BAD_REQUEST, "a direct conversation is with someone else");
            return;
        }
        onWorker(connection, direct, () -> {
            String toName = nameOf(toKey);
            if (toName == null) {
                connection.refuse(direct, ErrorCode.USER_UNKNOWN, "there is no user " + direct.to());
                return;
            }
            Conversation conversation = remember(archive.direct(
                    newId(),
                    new PrivateRooms.Member(connection.userKey(), connection.user()),
                    new PrivateRooms.Member(toKey, toName)));
            boolean newToMe = kept.keep(connection.userKey(), connection.user(), conversation.room(), -1);
            boolean newToThem = kept.keep(toKey, toName, conversation.room(), -1);
            connection.runFirst(List.of(new Command.Join(conversation.room())));
            if (newToMe) {
                added(conversation, connection.userKey(), connection.user(), connection.user(), connection);
            }
            if (newToThem) {
                added(conversation, toKey, toName, connection.user(), null);
            }
        });
    }

    /**
     * Makes a private room with the connection's user its only member, who keeps it; the connection is joined to it
     * before its next command, the user's other devices get {@code invited}. {@code charge} charges a creation to the
     * user and address as for a public room, and says why not if it may not.
     */
    void create(Connection connection, Command.Create create, Function<Connection, String> charge) {
        if (!mayHoldConversations(connection, create)) {
            return;
        }
        String problem = titleProblem(create.title());
        if (problem != null) {
            connection.refuse(create, ErrorCode.TEXT_INVALID, problem);
            return;
        }
        String refusal = charge.apply(connection);
        if (refusal != null) {
            connection.refuse(create, ErrorCode.LIMIT_EXCEEDED, refusal);
            return;
        }
        onWorker(connection, create, () -> {
            Conversation conversation = remember(archive.create(
                    newId(), create.title(), new PrivateRooms.Member(connection.userKey(), connection.user())));
            kept.keep(connection.userKey(), connection.user(), conversation.room(), -1);
            connection.runFirst(List.of(new Command.Join(conversation.room())));
            added(conversation, connection.userKey(), connection.user(), connection.user(), connection);
        });
    }

    /**
     * Makes {@code invite.user()} a member of the private room the connection is in ({@code inRoom}: the room's
     * connections here): the invitee keeps it; its devices that keep rooms and the room's connections get
     * {@code invited}.
     *
     * <p>The invitation is charged to the inviter's hourly budget here, so that invitations queued for the worker
     * together cannot overrun it, and given back unless it goes through (an unknown user, a full room, a failure).
     * What the room is and how many members it has is checked on the worker, in order with this node's earlier
     * invitations: checked here, two invitations in a row both saw room for one more.
     */
    void invite(Connection connection, Command.Invite invite, List<Connection> inRoom) {
        if (!connection.keepsRooms()) {
            connection.refuse(invite, ErrorCode.BAD_REQUEST, "invitations need membership=1 on the URL");
            return;
        }
        if (!Conversation.isId(invite.room())) {
            connection.refuse(invite, ErrorCode.BAD_REQUEST, "only a private room takes invitations");
            return;
        }
        if (!ProtocolRules.isUserName(invite.user())) {
            connection.refuse(invite, ErrorCode.USER_UNKNOWN, "there is no user " + invite.user());
            return;
        }
        String userKey = Identity.accountKey(invite.user());
        String inviter = connection.userKey();
        if (!invitesByUser.tryAcquire(inviter)) {
            connection.refuse(
                    invite,
                    ErrorCode.LIMIT_EXCEEDED,
                    "you may invite at most " + settings.invitesPerUserPerHour() + " people an hour");
            return;
        }
        memberships.submit(
                () -> {
                    Refusal refusal;
                    try {
                        refusal = invite(connection, invite, inRoom, userKey);
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, "the invitation of " + invite.user() + " failed", failed);
                        refusal = new Refusal(ErrorCode.INTERNAL, "the invitation could not be stored; retry");
                    }
                    if (refusal != null) {
                        // before the answer: an invitation sent on hearing it finds the budget as it was
                        invitesByUser.giveBack(inviter, 1);
                        connection.refuse(invite, refusal.code(), refusal.message());
                    }
                },
                refused -> {
                    invitesByUser.giveBack(inviter, 1);
                    connection.refuse(invite, ErrorCode.RATE_LIMITED, "too much waits for the database; retry shortly");
                });
    }

    private record Refusal(ErrorCode code, String message) {}

    /** The invitation on the worker: null if the user was added (and told), else why not. */
    private Refusal invite(Connection connection, Command.Invite invite, List<Connection> inRoom, String userKey) {
        // this node's copy is dropped on news of a change elsewhere while the room is in use: then the stored one
        Conversation before = known.get(invite.room());
        before = before != null ? before : archive.find(invite.room());
        if (before == null) {
            return new Refusal(ErrorCode.NOT_MEMBER, "you are not in " + invite.room());
        }
        if (before.kind() != Conversation.Kind.PRIVATE) {
            return new Refusal(ErrorCode.BAD_REQUEST, "only a private room takes invitations");
        }
        if (!before.has(userKey) && before.members().size() >= settings.conversationMaxMembers()) {
            return new Refusal(
                    ErrorCode.LIMIT_EXCEEDED,
                    "a private room has at most " + settings.conversationMaxMembers() + " members");
        }
        String name = nameOf(userKey);
        if (name == null) {
            return new Refusal(ErrorCode.USER_UNKNOWN, "there is no user " + invite.user());
        }
        Conversation now = remember(archive.add(invite.room(), new PrivateRooms.Member(userKey, name)));
        if (now == null) {
            return new Refusal(ErrorCode.NOT_MEMBER, "you are not in " + invite.room());
        }
        kept.keep(userKey, name, now.room(), -1);
        Event.Invited invited = now.invited(name, connection.user(), userKey);
        Set<Connection> told = new LinkedHashSet<>(inRoom);
        told.addAll(keepingDevices(userKey, null));
        String frame = Frames.encode(invited);
        told.forEach(each -> each.sendEncoded(frame));
        relayed.fire(new Relayed.Invited(userKey, invited, true));
        return null;
    }

    /**
     * The user left a private room from a connection that keeps rooms (membership): a member no longer. (Leaving a
     * direct conversation only forgets it: it stays theirs.)
     */
    void leftPrivateRoom(String userKey, String room) {
        known.computeIfPresent(
                room, (same, cached) -> cached.without(userKey)); // at once: a join right after is refused
        memberships.submit(
                () -> {
                    try {
                        Conversation now = archive.remove(room, userKey);
                        known.computeIfPresent(room, (same, before) -> now);
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, userKey + " could not be removed from " + room, failed);
                    }
                },
                refused -> LOG.warning(userKey + " was not removed from " + room + ": too much waits"));
    }

    /**
     * The message was stored in a direct conversation, from a connection on this node: the other user keeps it again
     * if they had left it, read up to the message before, and their devices get {@code invited}. {@code receivedIt}
     * says whether a user is in the room here with a connection that keeps rooms and the message was released to
     * them: such a user keeps the room (their join kept it, their leave has not run yet), and is not looked up in the
     * database. Anyone else is: they may have left on another node, or here, after the message went out.
     */
    void postedDirect(Event.Message message, Predicate<String> receivedIt) {
        String room = message.room();
        Conversation cached = known.get(room);
        if (cached != null && others(cached, message).allMatch(receivedIt)) {
            return;
        }
        memberships.submit(
                () -> {
                    try {
                        // not held here when its sender, the last member here, left before it was stored
                        Conversation conversation = cached != null ? cached : archive.find(room);
                        if (conversation == null) {
                            return;
                        }
                        others(conversation, message)
                                .filter(receivedIt.negate())
                                .forEach(userKey -> {
                                    String name = conversation.members().get(userKey);
                                    if (kept.keep(userKey, name, room, message.seq() - 1)) {
                                        added(conversation, userKey, name, message.from(), null);
                                    }
                                });
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, room + " could not be kept again after seq " + message.seq(), failed);
                    }
                },
                refused -> LOG.warning(room + " was not kept again after seq " + message.seq() + ": too much waits"));
    }

    private static Stream<String> others(Conversation conversation, Event.Message message) {
        return conversation.members().keySet().stream().filter(userKey -> !userKey.equals(message.senderKey()));
    }

    /** Cluster mode: a user was added to a conversation on another node; its devices here that keep rooms are told. */
    public void invitedElsewhere(String userKey, Event.Invited invited) {
        known.remove(invited.room());
        String frame = Frames.encode(invited);
        keepingDevices(userKey, null).forEach(each -> each.sendEncoded(frame));
    }

    /**
     * Read it again when it is next joined: its members changed on another node, it was deleted, or no one is in it
     * here any more.
     */
    public void changed(String room) {
        known.remove(room);
    }

    /** {@code user} was added: tell its devices that keep rooms, but {@code except}, here and on the other nodes. */
    private void added(Conversation conversation, String userKey, String userName, String by, Connection except) {
        Event.Invited invited = conversation.invited(userName, by, userKey);
        String frame = Frames.encode(invited);
        keepingDevices(userKey, except).forEach(each -> each.sendEncoded(frame));
        relayed.fire(new Relayed.Invited(userKey, invited, false));
    }

    private List<Connection> keepingDevices(String userKey, Connection except) {
        return users.connectionsOf(userKey).stream()
                .filter(each -> each.keepsRooms() && each != except)
                .toList();
    }

    /** The name an account goes by: as online here, else as stored; null if it never logged in. */
    private String nameOf(String userKey) {
        List<Connection> online = users.connectionsOf(userKey);
        return online.isEmpty() ? archive.accountName(userKey) : online.get(0).user();
    }

    private Conversation remember(Conversation conversation) {
        if (conversation != null) {
            known.put(conversation.room(), conversation);
        }
        return conversation;
    }

    private boolean mayHoldConversations(Connection connection, Command command) {
        if (connection.identity().guest()) {
            connection.refuse(command, ErrorCode.UNAUTHORIZED, "conversations are for logged-in users");
            return false;
        }
        if (!connection.keepsRooms()) {
            connection.refuse(command, ErrorCode.BAD_REQUEST, "conversations need membership=1 on the URL");
            return false;
        }
        return true;
    }

    /**
     * Runs the database work on the memberships' thread while the connection's later commands wait for it (they must
     * find the conversation joined); a failure is {@code internal}, a full queue {@code rate_limited}.
     */
    private void onWorker(Connection connection, Command command, Runnable work) {
        connection.finishesLater();
        memberships.submit(
                () -> {
                    try {
                        work.run();
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, command.type() + " of " + connection + " failed", failed);
                        connection.refuse(command, ErrorCode.INTERNAL, "the conversation could not be stored; retry");
                    } finally {
                        connection.finished();
                    }
                },
                refused -> {
                    connection.refuse(
                            command, ErrorCode.RATE_LIMITED, "too much waits for the database; retry shortly");
                    connection.finished();
                });
    }

    static String titleProblem(String title) {
        String problem = ProtocolRules.textProblem(title, MAX_TITLE_CODE_POINTS);
        if (problem != null) {
            return "title: " + problem;
        }
        if (title.indexOf('\n') >= 0 || title.indexOf('\t') >= 0) {
            return "a title is one line";
        }
        return null;
    }

    private String newId() {
        char[] id = new char[Conversation.ID_CHARS + 1];
        id[0] = Conversation.PREFIX;
        for (int i = 1; i < id.length; i++) {
            id[i] = Conversation.ID_ALPHABET.charAt(random.nextInt(Conversation.ID_ALPHABET.length()));
        }
        return new String(id);
    }
}

package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Handshake;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.KnownAccounts;
import dev.parley.chat.entity.OnlineHere;
import dev.parley.chat.entity.Relayed;
import dev.parley.metrics.ClusterState;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who is online: which connections speak for which user (by {@linkplain Identity#key() key}: a guest and an account
 * of one name are two users), guest names and their resume tokens, the names no guest may take, and whispers, which
 * go from user to user rather than through a room.
 */
@ApplicationScoped
public class Users {

    private static final SecureRandom RANDOM = new SecureRandom();

    ChatLimits limits;
    Clock clock = Clock.systemUTC();

    @Inject
    KnownAccounts accounts;

    @Inject
    Metrics metrics;

    @Inject
    jakarta.enterprise.event.Event<OnlineHere> onlineHere;

    @Inject
    jakarta.enterprise.event.Event<Relayed> relayed;

    /** Case-folded names of the accounts that have ever logged in. */
    private final Set<String> loggedIn = ConcurrentHashMap.newKeySet();

    private final ConcurrentHashMap<String, User> online = new ConcurrentHashMap<>();
    /**
     * Cluster mode: who is online on any node as the cluster last told (user key to name), this node's users
     * included once their news came back; empty on one node.
     */
    private final ConcurrentHashMap<String, OnlineHere> onlineInCluster = new ConcurrentHashMap<>();
    /** Connections of logged-in users by the id of the HTTP session their login lives in. */
    private final ConcurrentHashMap<String, Set<Connection>> byLoginSession = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        limits = ChatLimits.from(Settings.fromEnvironment());
        loadAccounts();
    }

    void loadAccounts() {
        loggedIn.addAll(accounts.names());
    }

    public ChatLimits limits() {
        return limits;
    }

    public sealed interface Admission {}

    public record Admitted(Identity identity) implements Admission {}

    public record Refused(ErrorCode code, Closing closing, String message) implements Admission {}

    /** Judges the rest of the handshake: the container's principal, then the guest name. */
    public Admission identify(Handshake handshake) {
        if (handshake.principal() != null) {
            return new Admitted(new Identity(handshake.principal(), true));
        }
        if (!limits.guests()) {
            return new Refused(ErrorCode.UNAUTHORIZED, Closing.UNAUTHORIZED, "log in to chat");
        }
        if (!ProtocolRules.isUserName(handshake.name())) {
            return new Refused(
                    ErrorCode.NAME_INVALID, Closing.NAME_INVALID, "a name is 1 to 32 letters, digits, '_', '-' or '.'");
        }
        return new Admitted(new Identity(handshake.name(), false));
    }

    /**
     * Makes the connection the holder of its user name. A guest name is held by one connection: a second guest
     * takes it over only with the current resume token (the old connection is closed with 4011). A user the
     * server's realm authenticated may have many connections and always gets its name; a guest holding it is
     * closed with {@code name_taken}, and from then on the name is reserved: no guest may take it, even while the
     * account is offline (nor a name in {@code parley.reserved-names}). In cluster mode, while the bus is down, a
     * guest new to this node is refused with {@code internal}: whether another node holds the name cannot be known.
     *
     * @return null when registered, else why not
     */
    public Refused register(Connection connection, String resumeToken) {
        Identity identity = connection.identity();
        String name = Identity.fold(identity.name());
        // reserved before the account takes its key, and a guest checks inside its key's lock, so a guest that
        // registers concurrently with an account's first login is either refused or displaced below
        if (identity.authenticated() && loggedIn.add(name)) {
            accounts.remember(name);
        }
        List<Connection> replaced = new ArrayList<>();
        AtomicReference<Refused> refusal = new AtomicReference<>();
        AtomicReference<String> resumedFromElsewhere = new AtomicReference<>();
        online.compute(connection.userKey(), (key, holder) -> {
            if (identity.authenticated()) {
                if (holder == null) {
                    return cameOnline(connection, null);
                }
                holder.connections().add(connection);
                return holder;
            }
            if (reserved(name)) {
                refusal.set(new Refused(
                        ErrorCode.NAME_TAKEN,
                        Closing.NAME_TAKEN,
                        "the name " + identity.name() + " belongs to a registered user; choose another"));
                return holder;
            }
            if (holder == null && metrics.clusterState() == ClusterState.BUS_DOWN) {
                // the other nodes cannot be asked: two people under one key would read each other's whispers
                refusal.set(new Refused(
                        ErrorCode.INTERNAL,
                        Closing.INTERNAL_ERROR,
                        "guest names cannot be checked across the cluster now; retry in a moment"));
                return null;
            }
            if (holder == null) {
                OnlineHere elsewhere = onlineInCluster.get(key);
                if (elsewhere == null) {
                    return cameOnline(connection, null);
                }
                // the guest is online on another node: only its own token takes the name over from there
                if (resumeToken == null
                        || elsewhere.tokenDigest() == null
                        || !sameToken(OnlineHere.digest(resumeToken), elsewhere.tokenDigest())) {
                    refusal.set(new Refused(
                            ErrorCode.NAME_TAKEN, Closing.NAME_TAKEN, "the name " + identity.name() + " is in use"));
                    return null;
                }
                resumedFromElsewhere.set(key);
                return cameOnline(connection, resumeToken);
            }
            if (resumeToken == null || !sameToken(resumeToken, holder.resumeToken())) {
                refusal.set(new Refused(
                        ErrorCode.NAME_TAKEN, Closing.NAME_TAKEN, "the name " + identity.name() + " is in use"));
                return holder;
            }
            replaced.addAll(holder.connections());
            return User.of(connection);
        });
        if (refusal.get() != null) {
            return refusal.get();
        }
        if (identity.authenticated()) {
            String guestKey = Identity.guestKey(name);
            User guest = online.remove(guestKey);
            if (guest != null) {
                // no guest can take the name again now that it is reserved: nothing can overtake this news
                hereInCluster(new OnlineHere(guestKey, guest.name(), digestOf(guest), false));
                guest.connections()
                        .forEach(old -> old.reject(
                                ErrorCode.NAME_TAKEN,
                                "a logged-in user has the name " + old.user(),
                                Closing.NAME_TAKEN));
            }
        } else {
            replaced.forEach(old -> old.closeAfterFlush(Closing.REPLACED, "replaced by a newer connection"));
            connection.resumeToken(online.get(connection.userKey()).resumeToken());
            if (resumedFromElsewhere.get() != null) {
                relayed.fire(new Relayed.Resumed(resumedFromElsewhere.get()));
            }
        }
        return null;
    }

    /** Whether no guest may take the name: an account has logged in with it, or the operator reserved it. */
    public boolean reserved(String name) {
        String folded = Identity.fold(name);
        return loggedIn.contains(folded) || limits.reservedNames().contains(folded);
    }

    /**
     * Whom a plain name means, for a whisper or an operator: the account while the name is reserved (no guest can
     * hold it then), else the guest. A key ({@code g:…}, {@code a:…}) means itself.
     */
    public String keyOf(String nameOrKey) {
        if (Identity.isKey(nameOrKey)) {
            return Identity.keyOf(Identity.nameOf(nameOrKey), Identity.isGuestKey(nameOrKey));
        }
        return Identity.keyOf(nameOrKey, !reserved(nameOrKey));
    }

    /** Constant time: how much of a guessed token matches must not show in how long the refusal takes. */
    private static boolean sameToken(String offered, String held) {
        return held != null
                && MessageDigest.isEqual(
                        offered.getBytes(StandardCharsets.UTF_8), held.getBytes(StandardCharsets.UTF_8));
    }

    public void release(Connection connection) {
        online.computeIfPresent(connection.userKey(), (key, user) -> {
            user.connections().remove(connection);
            if (!user.connections().isEmpty()) {
                return user;
            }
            hereInCluster(new OnlineHere(key, user.name(), digestOf(user), false));
            return null;
        });
    }

    /**
     * A user online here for the first time (a guest resuming from another node keeps its token): told in the key's
     * lock, so a user's news keep their order.
     */
    private User cameOnline(Connection connection, String keptToken) {
        User user = User.of(connection, keptToken);
        hereInCluster(new OnlineHere(connection.userKey(), user.name(), digestOf(user), true));
        return user;
    }

    /** Cluster mode only: one node has nobody to tell, and each event is a call into the cluster's session bean. */
    private void hereInCluster(OnlineHere here) {
        if (metrics.clusterState().clustered()) {
            onlineHere.fire(here);
        }
    }

    private static String digestOf(User user) {
        return user.resumeToken() == null ? null : OnlineHere.digest(user.resumeToken());
    }

    // ---- cluster mode (dev.parley.cluster) ----

    /**
     * The cluster says the user is online on some node from now on, or on none any more. An account online anywhere
     * reserves its name here too, and displaces a guest of that name here.
     */
    public void onlineElsewhere(OnlineHere news) {
        if (!news.online()) {
            onlineInCluster.remove(news.userKey());
            return;
        }
        onlineInCluster.put(news.userKey(), news);
        if (!Identity.isGuestKey(news.userKey())) {
            String name = Identity.fold(news.name());
            loggedIn.add(name);
            User guest = online.remove(Identity.guestKey(name));
            if (guest != null) {
                hereInCluster(new OnlineHere(Identity.guestKey(name), guest.name(), digestOf(guest), false));
                guest.connections()
                        .forEach(old -> old.reject(
                                ErrorCode.NAME_TAKEN,
                                "a logged-in user has the name " + old.user(),
                                Closing.NAME_TAKEN));
            }
        }
    }

    /** Whether the cluster has said the user is online on some node (this one too, once its own news came back). */
    public boolean knownOnlineInCluster(String userKey) {
        return onlineInCluster.containsKey(userKey);
    }

    /** Who is online on any node (user key to what {@link #onlineHere()} gave), read after news may have been lost. */
    public void onlineElsewhere(Map<String, String> users) {
        onlineInCluster.keySet().retainAll(users.keySet());
        users.forEach((userKey, held) -> onlineElsewhere(OnlineHere.fromHeld(userKey, held, true)));
    }

    /** Who is online on this node: user key to {@link OnlineHere#held() name and token digest}. */
    public Map<String, String> onlineHere() {
        Map<String, String> here = new java.util.HashMap<>();
        online.forEach((key, user) -> here.put(key, new OnlineHere(key, user.name(), digestOf(user), true).held()));
        return here;
    }

    /** A guest resumed on another node with its token: its connections here are replaced (4011). */
    public void resumedElsewhere(String userKey) {
        User user = online.get(userKey);
        if (user != null) {
            user.connections()
                    .forEach(old -> old.closeAfterFlush(Closing.REPLACED, "replaced by a newer connection elsewhere"));
        }
    }

    /**
     * A whisper another node sent: to this node's connections of its recipient and of its sender (without the
     * sender's ref, which was for the sender's own connection there).
     */
    public void whisperFromElsewhere(Event.Whisper whisper, String fromKey, String toKey) {
        String frame = Frames.encode(whisper);
        Set<Connection> recipients = new java.util.HashSet<>();
        for (String key : List.of(fromKey, toKey)) {
            User user = online.get(key);
            if (user != null) {
                recipients.addAll(user.connections());
            }
        }
        recipients.forEach(connection -> connection.sendEncoded(frame));
    }

    /**
     * Ties an authenticated connection to the HTTP session of its login, so that the end of that session (logout,
     * expiry) ends the connection too; see {@link #loginEnded}.
     */
    public void bindLoginSession(String loginSession, Connection connection) {
        bindLoginSession(loginSession, connection, () -> {});
    }

    /** As above; {@code firstOpened} runs when this is the login's only connection, atomically with the binding. */
    public void bindLoginSession(String loginSession, Connection connection, Runnable firstOpened) {
        byLoginSession.compute(loginSession, (id, held) -> {
            Set<Connection> connections = held == null ? ConcurrentHashMap.newKeySet() : held;
            connections.add(connection);
            if (held == null) {
                firstOpened.run();
            }
            return connections;
        });
    }

    public void unbindLoginSession(String loginSession, Connection connection) {
        unbindLoginSession(loginSession, connection, () -> {});
    }

    /** As above; {@code lastClosed} runs when no connection of the login is left, atomically with the unbinding. */
    public void unbindLoginSession(String loginSession, Connection connection, Runnable lastClosed) {
        byLoginSession.computeIfPresent(loginSession, (id, connections) -> {
            connections.remove(connection);
            if (connections.isEmpty()) {
                lastClosed.run();
                return null;
            }
            return connections;
        });
    }

    /**
     * The HTTP session of a login ends: its connections get {@code unauthorized} and close 4001.
     *
     * @return completes when those connections are gone
     */
    public CompletableFuture<Void> loginEnded(String loginSession) {
        Set<Connection> connections = byLoginSession.remove(loginSession);
        if (connections == null) {
            return CompletableFuture.completedFuture(null);
        }
        connections.forEach(connection ->
                connection.reject(ErrorCode.UNAUTHORIZED, "your login ended; log in again", Closing.UNAUTHORIZED));
        return CompletableFuture.allOf(
                connections.stream().map(Connection::ended).toArray(CompletableFuture[]::new));
    }

    /** The user's open connections. */
    public List<Connection> connectionsOf(String userKey) {
        User user = online.get(userKey);
        return user == null ? List.of() : List.copyOf(user.connections());
    }

    public int connectionCount() {
        return online.values().stream()
                .mapToInt(user -> user.connections().size())
                .sum();
    }

    public int userCount() {
        return online.size();
    }

    /**
     * Delivers to every connection of the recipient and echoes to the sender's; nothing is stored (v1). In cluster mode
     * on every node: {@code user_unknown} only if the recipient is online nowhere, {@code internal} if it is on another
     * node while this one's bus is down.
     */
    public void whisper(Connection sender, Command.Whisper whisper) {
        String problem = ProtocolRules.textProblem(whisper.text(), limits.maxTextCodePoints());
        if (problem != null) {
            sender.refuse(whisper, ErrorCode.TEXT_INVALID, problem);
            return;
        }
        if (whisper.ref() != null && !ProtocolRules.isRef(whisper.ref())) {
            sender.refuse(whisper, ErrorCode.BAD_REQUEST, "a ref is 1 to 64 characters");
            return;
        }
        String toKey = whisper.to() == null ? null : keyOf(whisper.to());
        User recipient = toKey == null ? null : online.get(toKey);
        OnlineHere elsewhere = toKey == null ? null : onlineInCluster.get(toKey);
        String toName = recipient != null ? recipient.name() : (elsewhere == null ? null : elsewhere.name());
        if (toName == null) {
            sender.refuse(whisper, ErrorCode.USER_UNKNOWN, whisper.to() + " is not online");
            return;
        }
        if (recipient == null && metrics.clusterState() == ClusterState.BUS_DOWN) {
            sender.refuse(
                    whisper,
                    ErrorCode.INTERNAL,
                    whisper.to() + " is on another node, which cannot be reached now; retry in a moment");
            return;
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Event.Whisper copy = new Event.Whisper(sender.user(), toName, whisper.text(), at, null);
        String frame = Frames.encode(copy);
        Set<Connection> recipients = ConcurrentHashMap.newKeySet();
        if (recipient != null) {
            recipients.addAll(recipient.connections());
        }
        User self = online.get(sender.userKey());
        if (self != null) {
            recipients.addAll(self.connections());
        }
        recipients.add(sender);
        for (Connection connection : recipients) {
            if (connection == sender && whisper.ref() != null) {
                connection.send(new Event.Whisper(copy.from(), copy.to(), copy.text(), at, whisper.ref()));
            } else {
                connection.sendEncoded(frame);
            }
        }
        if (metrics.clusterState() == ClusterState.BUS_UP) {
            // the recipient, or the sender's other connections, may be on other nodes too
            relayed.fire(new Relayed.Whispered(copy, sender.userKey(), toKey));
        }
    }

    // ---- administration (dev.parley.admin) ----

    /**
     * A ban's effect: every connection of the user, or from the address, gets {@code error banned} and is closed
     * with 4004.
     *
     * @return how many connections were closed
     */
    public int expel(String userKey, String address, String message) {
        int expelled = 0;
        for (User user : online.values()) {
            for (Connection connection : user.connections()) {
                boolean byName = userKey != null && userKey.equals(connection.userKey());
                boolean byAddress = address != null && address.equals(connection.address());
                if (byName || byAddress) {
                    connection.reject(ErrorCode.BANNED, message, Closing.BANNED);
                    expelled++;
                }
            }
        }
        return expelled;
    }

    /** A {@code notice} without room, to every connection. */
    public void announce(String text) {
        String frame = Frames.encode(new Event.Notice(text, null));
        online.values().forEach(user -> user.connections().forEach(connection -> connection.sendEncoded(frame)));
    }

    /** Closes every connection, e.g. with 1001 when the application stops. */
    public void closeAll(Closing closing, String phrase) {
        online.values().forEach(user -> user.connections().forEach(c -> c.closeAfterFlush(closing, phrase)));
    }

    /** Closes every connection at once, dropping what is queued (the JVM is exiting: no time to flush). */
    public void closeAllNow(Closing closing, String phrase) {
        online.values().forEach(user -> user.connections().forEach(c -> c.close(closing, phrase)));
    }

    private record User(String name, boolean authenticated, String resumeToken, Set<Connection> connections) {

        static User of(Connection connection) {
            return of(connection, null);
        }

        /** With {@code keptToken} (a guest resuming from another node), or a new token for a guest. */
        static User of(Connection connection, String keptToken) {
            // copy-on-write: a user has few connections and opens them rarely; ~120 B less than a concurrent hash set
            Set<Connection> connections = new CopyOnWriteArraySet<>();
            connections.add(connection);
            boolean authenticated = connection.identity().authenticated();
            String token = authenticated ? null : keptToken != null ? keptToken : newToken();
            return new User(connection.user(), authenticated, token, connections);
        }

        private static String newToken() {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }
}

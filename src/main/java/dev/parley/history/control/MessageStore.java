package dev.parley.history.control;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MentionSettings;
import dev.parley.chat.entity.Mentions;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.entity.FilesDeleted;
import dev.parley.history.entity.Mention;
import dev.parley.history.entity.RoomState;
import dev.parley.history.entity.StoredFile;
import dev.parley.history.entity.StoredMessage;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages in the database. {@link #append} locks the room's counter row, so seq has no gaps even if a
 * transaction rolls back, and (room, seq) as primary key rules out duplicates.
 */
@ApplicationScoped
public class MessageStore {

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    @Inject
    jakarta.enterprise.event.Event<FilesDeleted> filesDeleted;

    Duration refWindow;
    MentionSettings mentionRules = MentionSettings.from(Settings.of(Map.of()));
    /** Every query's bound: a database that does not answer fails the batch instead of holding it forever. */
    Map<String, Object> timeout = Map.of();

    Clock clock = Clock.systemUTC();

    @PostConstruct
    void readSettings() {
        StoreSettings settings = StoreSettings.from(Settings.fromEnvironment());
        refWindow = settings.refWindow();
        mentionRules = MentionSettings.from(Settings.fromEnvironment());
        int millis = (int) settings.statementTimeout().toMillis();
        // the query timeout (JDBC's setQueryTimeout) bounds a row lock's wait too, and every provider and
        // database here supports it; a lock timeout hint would make EclipseLink write FOR UPDATE WAIT on some
        timeout = Map.of(QUERY_TIMEOUT, millis);
    }

    static final String QUERY_TIMEOUT = "jakarta.persistence.query.timeout";

    /**
     * Stores the message with its room's next seq, unless its ref was stored before; commits on return. A ref that a
     * concurrent transaction stored after the look-up fails the insert with a unique violation
     * ({@link #isUniqueViolation}) and rolls everything back, the seq included.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Receipt append(MessagePosted posted) {
        Receipt receipt = appendInTransaction(posted, new Batch(true));
        em.flush();
        return receipt;
    }

    /**
     * {@link #append} for several messages in one transaction (group commit), each as if alone and in list order:
     * a ref stored earlier in the list counts as stored. The rooms' counter rows are locked with one statement, the
     * refs looked up with one more, the inserts and counter updates sent together at the end. A ref that another
     * transaction stores meanwhile breaks the unique key on (room, sender, ref), which rolls back all of them; the
     * caller then stores each {@linkplain #append alone}.
     *
     * @return each message's receipt, in list order
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Receipt> appendAll(List<MessagePosted> batch) {
        Batch together = new Batch(false);
        List<String> rooms = batch.stream()
                .filter(posted -> !posted.retryOnly())
                .map(MessagePosted::room)
                .distinct()
                .toList();
        if (!rooms.isEmpty()) {
            // in name order, so that two instances on one database lock rooms in the same order and cannot deadlock
            bounded(em.createQuery("SELECT r FROM RoomState r WHERE r.name IN :names ORDER BY r.name", RoomState.class))
                    .setParameter("names", padded(rooms))
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultStream()
                    .forEach(room -> together.lockedRooms.put(room.name(), room));
        }
        List<String> refs = batch.stream()
                .map(MessagePosted::ref)
                .filter(ref -> ref != null)
                .distinct()
                .toList();
        if (!refs.isEmpty()) {
            bounded(em.createQuery("SELECT m FROM StoredMessage m WHERE m.ref IN :refs", StoredMessage.class))
                    .setParameter("refs", padded(refs))
                    .setFlushMode(FlushModeType.COMMIT)
                    .getResultStream()
                    .forEach(stored ->
                            together.byRef.put(refKey(stored.room(), stored.senderKey(), stored.ref()), stored));
        }
        List<Receipt> receipts = batch.stream()
                .map(posted -> appendInTransaction(posted, together))
                .toList();
        em.flush();
        return receipts;
    }

    /**
     * The list repeated up to the next power of two, so that IN lists come in few lengths and the database's
     * statement cache hits.
     */
    private static List<String> padded(List<String> values) {
        int size = values.size() == 1 ? 1 : Integer.highestOneBit(values.size() - 1) << 1;
        List<String> padded = new ArrayList<>(size);
        while (padded.size() < size) {
            padded.add(values.get(padded.size() % values.size()));
        }
        return padded;
    }

    /**
     * What one transaction has locked and stored so far. Its new messages are not flushed until the end, so the
     * inserts can go to the database together; a ref look-up finds them here (the database's look-up does not
     * flush, see {@link #byRef}).
     */
    private static final class Batch {
        final boolean lookUpRefs;
        final Map<String, RoomState> lockedRooms = new HashMap<>();
        final Map<List<String>, StoredMessage> byRef = new HashMap<>();
        /**
         * The uploads this transaction's messages carry so far: a second post of one is refused by this, not by the
         * entity's state, which EclipseLink reloads from its (unflushed, still unposted) row when a query locks it.
         */
        final java.util.Set<String> carried = new java.util.HashSet<>();

        Batch(boolean lookUpRefs) {
            this.lookUpRefs = lookUpRefs;
        }
    }

    private Receipt appendInTransaction(MessagePosted posted, Batch batch) {
        if (posted.retryOnly()) {
            String senderKey = posted.senderKey();
            return Optional.ofNullable(batch.byRef.get(refKey(posted.room(), senderKey, posted.ref())))
                    .or(() -> batch.lookUpRefs ? byRef(posted.room(), senderKey, posted.ref()) : Optional.empty())
                    .filter(this::withinWindow)
                    .map(earlier -> answerRetry(earlier, posted.text()))
                    .orElseGet(Receipt.NotStored::new);
        }
        RoomState room = batch.lockedRooms.computeIfAbsent(
                posted.room(), name -> em.find(RoomState.class, name, LockModeType.PESSIMISTIC_WRITE, timeout));
        if (room == null) {
            // an operator deleted the room after this post was accepted: nothing may refer to it any more
            return new Receipt.NotStored();
        }
        String senderKey = posted.senderKey();
        List<String> refKey = refKey(posted.room(), senderKey, posted.ref());
        if (posted.ref() != null) {
            // after the room's lock: a first post of this ref still being committed (another node, another
            // connection) holds that lock, so its row is found here and its uploads never look carried to a retry
            Optional<StoredMessage> earlier = Optional.ofNullable(batch.byRef.get(refKey))
                    .or(() -> batch.lookUpRefs ? byRef(posted.room(), senderKey, posted.ref()) : Optional.empty());
            if (earlier.isPresent() && withinWindow(earlier.get())) {
                return answerRetry(earlier.get(), posted.text());
            }
            earlier.ifPresent(expired -> {
                expired.forgetRef();
                em.flush();
            });
        }
        List<StoredFile> files = new ArrayList<>();
        String refused = posted.files() == null ? null : uploadsToCarry(posted, batch.carried, files);
        if (refused != null) {
            return new Receipt.Invalid(refused);
        }
        StoredMessage message = new StoredMessage(
                posted.room(),
                room.nextSeq(),
                posted.sender().name(),
                senderKey,
                posted.text(),
                posted.at().toEpochMilli(),
                posted.ref());
        files.forEach(file -> {
            file.postedIn(posted.room(), message.seq());
            batch.carried.add(file.id());
        });
        message.carry(files.stream().map(StoredFile::toAttachment).toList());
        em.persist(message);
        if (posted.ref() != null) {
            batch.byRef.put(refKey, message);
        }
        mentioned(posted, message.seq());
        return new Receipt.Stored(message.toEvent());
    }

    /**
     * The sender's uploads the post names, locked, into {@code files} in the post's order; or why the post may not
     * carry them. An upload of someone else's is answered as one that does not exist, so ids cannot be probed. Two
     * posts of one upload (here, or a batch on another node) meet at its row lock, and the second finds it carried.
     */
    private String uploadsToCarry(MessagePosted posted, java.util.Set<String> carried, List<StoredFile> files) {
        Map<String, StoredFile> found = new HashMap<>();
        bounded(em.createQuery("SELECT f FROM StoredFile f WHERE f.id IN :ids ORDER BY f.id", StoredFile.class))
                .setParameter("ids", padded(posted.files()))
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setFlushMode(FlushModeType.COMMIT)
                .getResultStream()
                .forEach(file -> found.put(file.id(), file));
        for (String id : posted.files()) {
            StoredFile file = found.get(id);
            if (file == null || !file.ownerKey().equals(posted.senderKey())) {
                return "there is no upload " + id + " of yours: upload it again";
            }
            if (file.posted() || carried.contains(id)) {
                return "the upload " + id + " is in a message already: upload it again to send it again";
            }
            files.add(file);
        }
        return null;
    }

    /**
     * A mention for each keeper of the room the post mentions, but its sender: the named logged-in users who keep the
     * room, or for {@code @room} all its keepers if there are at most {@code roomMaxMembers}. Bounded by the names
     * chat let through and that many keepers. Neither look-up flushes (the batch's inserts go together at the end);
     * this transaction writes no memberships.
     */
    private void mentioned(MessagePosted posted, long seq) {
        Mentions mentions = posted.mentions();
        if (mentions == null || mentions.none()) {
            return;
        }
        String senderKey = posted.senderKey();
        java.util.Set<String> keepers = new java.util.TreeSet<>();
        if (mentions.everyone()) {
            List<String> all = bounded(
                            em.createQuery("SELECT mb.userKey FROM Membership mb WHERE mb.room = :room", String.class))
                    .setParameter("room", posted.room())
                    .setFlushMode(FlushModeType.COMMIT)
                    .setMaxResults(mentionRules.roomMaxMembers() + 1)
                    .getResultList();
            if (all.size() <= mentionRules.roomMaxMembers()) {
                keepers.addAll(all);
            }
        }
        List<String> named = mentions.names().stream()
                .map(Identity::accountKey)
                .filter(key -> !keepers.contains(key))
                .toList();
        if (!named.isEmpty()) {
            bounded(em.createQuery(
                            "SELECT mb.userKey FROM Membership mb WHERE mb.room = :room AND mb.userKey IN :keys",
                            String.class))
                    .setParameter("room", posted.room())
                    .setParameter("keys", padded(named))
                    .setFlushMode(FlushModeType.COMMIT)
                    .getResultStream()
                    .forEach(keepers::add);
        }
        keepers.remove(senderKey);
        keepers.forEach(key -> em.persist(new Mention(key, posted.room(), seq)));
    }

    /** What a retry of a stored ref gets, for a sender who is no longer in the room. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Receipt> replay(String room, String senderKey, String ref, String text) {
        return byRef(room, senderKey, ref).filter(this::withinWindow).map(earlier -> answerRetry(earlier, text));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long openRoom(String name) {
        RoomState room = em.find(RoomState.class, name, timeout);
        if (room == null) {
            room = new RoomState(name, clock.millis());
            em.persist(room);
            // a twin created meanwhile fails the insert here, inside the transaction, not at its commit
            em.flush();
        }
        return room.lastSeq();
    }

    /**
     * Deletes the room's messages, the users' memberships of it and their mentions in it, its conversation (if
     * private) and its counter row. The row is locked first, so a transaction storing into the
     * room commits before (and its messages go too) or finds no row after (and stores nothing).
     *
     * @return the messages deleted
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long purge(String room) {
        RoomState state = em.find(RoomState.class, room, LockModeType.PESSIMISTIC_WRITE, timeout);
        if (state == null) {
            return 0;
        }
        jakarta.persistence.Query delete = em.createQuery("DELETE FROM StoredMessage m WHERE m.room = :room");
        timeout.forEach(delete::setHint);
        int deleted = delete.setParameter("room", room).executeUpdate();
        jakarta.persistence.Query forget = em.createQuery("DELETE FROM Membership mb WHERE mb.room = :room");
        timeout.forEach(forget::setHint);
        forget.setParameter("room", room).executeUpdate();
        for (String conversation : List.of("ConversationMember", "StoredConversation")) {
            jakarta.persistence.Query gone = em.createQuery("DELETE FROM " + conversation + " c WHERE c.room = :room");
            timeout.forEach(gone::setHint);
            gone.setParameter("room", room).executeUpdate();
        }
        jakarta.persistence.Query mentions = em.createQuery("DELETE FROM Mention mn WHERE mn.room = :room");
        timeout.forEach(mentions::setHint);
        mentions.setParameter("room", room).executeUpdate();
        deleteFiles("f.room = :room", Map.of("room", room));
        em.remove(state);
        return deleted;
    }

    /**
     * Empties the text of message {@code seq} of {@code room} and marks it deleted.
     *
     * @return the redacted message, or empty if there is no such message
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Event.Message> redact(String room, long seq) {
        StoredMessage message =
                em.find(StoredMessage.class, new StoredMessage.Key(room, seq), LockModeType.PESSIMISTIC_WRITE, timeout);
        if (message == null) {
            return Optional.empty();
        }
        if (!message.deleted()) {
            message.redact(clock.millis());
            deleteFiles("f.room = :room AND f.seq = :seq", Map.of("room", room, "seq", seq));
        }
        return Optional.of(message.toEvent().withoutRef());
    }

    /**
     * Deletes the files (their bytes first) that {@code where} selects, over {@code StoredFile f}; bytes kept outside
     * the database go once this transaction has committed ({@link FilesDeleted}).
     */
    private void deleteFiles(String where, Map<String, Object> parameters) {
        TypedQuery<String> selected = em.createQuery("SELECT f.id FROM StoredFile f WHERE " + where, String.class);
        timeout.forEach(selected::setHint);
        parameters.forEach(selected::setParameter);
        List<String> ids = selected.getResultList();
        if (ids.isEmpty()) {
            return;
        }
        jakarta.persistence.Query bytes = em.createQuery(
                "DELETE FROM FileContent c WHERE c.id IN (SELECT f.id FROM StoredFile f WHERE " + where + ")");
        jakarta.persistence.Query files = em.createQuery("DELETE FROM StoredFile f WHERE " + where);
        for (jakarta.persistence.Query query : List.of(bytes, files)) {
            timeout.forEach(query::setHint);
            parameters.forEach(query::setParameter);
            query.executeUpdate();
        }
        filesDeleted.fire(new FilesDeleted(ids));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Map<String, Long> rooms() {
        Map<String, Long> rooms = new LinkedHashMap<>();
        bounded(em.createQuery("SELECT r FROM RoomState r ORDER BY r.name", RoomState.class))
                .getResultStream()
                .forEach(room -> rooms.put(room.name(), room.lastSeq()));
        return rooms;
    }

    /** The newest {@code count} messages, oldest first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Event.Message> latest(String room, int count) {
        return newestFirst(room, Long.MAX_VALUE, count).stream().limit(count).collect(reversedEvents());
    }

    /** {@code before}: the newest {@code limit} below it; {@code after}: the oldest {@code limit} above it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Event.History page(String room, Long before, Long after, int limit) {
        if (before != null) {
            List<StoredMessage> found = newestFirst(room, before, limit + 1);
            boolean more = found.size() > limit;
            return new Event.History(room, found.stream().limit(limit).collect(reversedEvents()), more);
        }
        List<StoredMessage> found = bounded(em.createQuery(
                        "SELECT m FROM StoredMessage m WHERE m.room = :room AND m.seq > :after ORDER BY m.seq",
                        StoredMessage.class))
                .setParameter("room", room)
                .setParameter("after", after)
                .setMaxResults(limit + 1)
                .getResultList();
        boolean more = found.size() > limit;
        return new Event.History(
                room, found.stream().limit(limit).map(StoredMessage::toEvent).toList(), more);
    }

    private List<StoredMessage> newestFirst(String room, long below, int count) {
        return bounded(em.createQuery(
                        "SELECT m FROM StoredMessage m WHERE m.room = :room AND m.seq < :below ORDER BY m.seq DESC",
                        StoredMessage.class))
                .setParameter("room", room)
                .setParameter("below", below)
                .setMaxResults(count)
                .getResultList();
    }

    private static java.util.stream.Collector<StoredMessage, ?, List<Event.Message>> reversedEvents() {
        return java.util.stream.Collectors.collectingAndThen(
                java.util.stream.Collectors.toCollection(ArrayList::new), list -> {
                    Collections.reverse(list);
                    return list.stream().map(StoredMessage::toEvent).toList();
                });
    }

    private <T> TypedQuery<T> bounded(TypedQuery<T> query) {
        timeout.forEach(query::setHint);
        return query;
    }

    private static List<String> refKey(String room, String senderKey, String ref) {
        return Arrays.asList(room, senderKey, ref);
    }

    /**
     * Does not flush first: a transaction's own unflushed messages are in its {@link Batch}, and flushing before every
     * look-up would send a group commit's inserts one by one.
     */
    private Optional<StoredMessage> byRef(String room, String senderKey, String ref) {
        return bounded(em.createQuery(
                        "SELECT m FROM StoredMessage m WHERE m.room = :room AND m.senderKey = :sender "
                                + "AND m.ref = :ref",
                        StoredMessage.class))
                .setParameter("room", room)
                .setParameter("sender", senderKey)
                .setParameter("ref", ref)
                .setFlushMode(FlushModeType.COMMIT)
                .getResultStream()
                .findFirst();
    }

    /**
     * A failure caused by a unique key (SQLState 23505 on PostgreSQL and H2), however the JPA provider wrapped it:
     * Hibernate and EclipseLink both keep the driver's {@link SQLException} in the cause chain.
     */
    public static boolean isUniqueViolation(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private boolean withinWindow(StoredMessage message) {
        return message.postedAt() >= clock.millis() - refWindow.toMillis();
    }

    private static Receipt answerRetry(StoredMessage earlier, String text) {
        // a retry of a message an operator deleted gets the redacted message, not a conflict: it was stored
        return earlier.deleted() || earlier.body().equals(text)
                ? new Receipt.Repeated(earlier.toEvent())
                : new Receipt.RefConflict(earlier.seq());
    }
}

package dev.parley.history.control;

import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.PrivateRooms;
import dev.parley.history.entity.ConversationMember;
import dev.parley.history.entity.RoomState;
import dev.parley.history.entity.StoredConversation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Private rooms and direct conversations and their members in the database, each call in a transaction of its own. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class ConversationStore extends BoundedStore {

    public Conversation find(String room) {
        StoredConversation stored = em.find(StoredConversation.class, room, timeout);
        return stored == null ? null : withMembers(stored);
    }

    public Conversation findDirect(String pairKey) {
        return bounded(em.createQuery(
                        "SELECT c FROM StoredConversation c WHERE c.pairKey = :pair", StoredConversation.class))
                .setParameter("pair", pairKey)
                .getResultStream()
                .findFirst()
                .map(this::withMembers)
                .orElse(null);
    }

    /**
     * A new conversation with its room and members. Flushed here, so that a twin made meanwhile (the same direct pair
     * from another node) fails inside this transaction, as a {@code PersistenceException} whatever the provider.
     */
    public Conversation create(
            String room, Conversation.Kind kind, String title, String pairKey, List<PrivateRooms.Member> members) {
        long now = clock.millis();
        em.persist(new StoredConversation(
                room,
                kind.name().toLowerCase(Locale.ROOT),
                title,
                pairKey,
                members.get(0).userKey(),
                now));
        em.persist(new RoomState(room, now));
        for (PrivateRooms.Member member : members) {
            em.persist(new ConversationMember(room, member.userKey(), member.userName(), now));
        }
        em.flush();
        return find(room);
    }

    public Conversation add(String room, PrivateRooms.Member member) {
        StoredConversation stored = em.find(StoredConversation.class, room, timeout);
        if (stored == null) {
            return null;
        }
        if (em.find(ConversationMember.class, new ConversationMember.Key(room, member.userKey()), timeout) == null) {
            em.persist(new ConversationMember(room, member.userKey(), member.userName(), clock.millis()));
            em.flush();
        }
        return withMembers(stored);
    }

    public Conversation remove(String room, String userKey) {
        StoredConversation stored = em.find(StoredConversation.class, room, timeout);
        if (stored == null) {
            return null;
        }
        ConversationMember member =
                em.find(ConversationMember.class, new ConversationMember.Key(room, userKey), timeout);
        if (member != null) {
            em.remove(member);
            em.flush();
        }
        return withMembers(stored);
    }

    /**
     * The name an account goes by: as stored with its memberships or conversations (as it logged in), else its key's
     * folded name; null if no account of that key has logged in.
     */
    public String accountName(String userKey, String foldedName) {
        if (em.find(dev.parley.history.entity.KnownAccount.class, foldedName, timeout) == null) {
            return null;
        }
        return bounded(em.createQuery("SELECT mb.userName FROM Membership mb WHERE mb.userKey = :user", String.class))
                .setParameter("user", userKey)
                .setMaxResults(1)
                .getResultStream()
                .findFirst()
                .orElse(foldedName);
    }

    public List<Conversation> findAll(List<String> rooms) {
        if (rooms.isEmpty()) {
            return List.of();
        }
        Map<String, StoredConversation> conversations = new LinkedHashMap<>();
        bounded(em.createQuery("SELECT c FROM StoredConversation c WHERE c.room IN :rooms", StoredConversation.class))
                .setParameter("rooms", rooms)
                .getResultStream()
                .forEach(c -> conversations.put(c.room(), c));
        Map<String, Map<String, String>> members = new HashMap<>();
        if (!conversations.isEmpty()) {
            bounded(em.createQuery(
                            "SELECT m FROM ConversationMember m WHERE m.room IN :rooms", ConversationMember.class))
                    .setParameter("rooms", List.copyOf(conversations.keySet()))
                    .getResultStream()
                    .forEach(m -> members.computeIfAbsent(m.room(), r -> new LinkedHashMap<>())
                            .put(m.userKey(), m.userName()));
        }
        return conversations.values().stream()
                .map(c -> conversation(c, members.getOrDefault(c.room(), Map.of())))
                .toList();
    }

    private Conversation withMembers(StoredConversation stored) {
        Map<String, String> members = new LinkedHashMap<>();
        bounded(em.createQuery("SELECT m FROM ConversationMember m WHERE m.room = :room", ConversationMember.class))
                .setParameter("room", stored.room())
                .getResultStream()
                .forEach(m -> members.put(m.userKey(), m.userName()));
        return conversation(stored, members);
    }

    private static Conversation conversation(StoredConversation stored, Map<String, String> members) {
        return new Conversation(
                stored.room(),
                Conversation.Kind.valueOf(stored.kind().toUpperCase(Locale.ROOT)),
                stored.title(),
                members);
    }
}

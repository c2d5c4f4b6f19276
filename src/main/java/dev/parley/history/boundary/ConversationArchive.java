package dev.parley.history.boundary;

import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.PrivateRooms;
import dev.parley.history.control.ConversationStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Keeps private rooms, direct conversations and their members, for chat's conversations extension. */
@ApplicationScoped
public class ConversationArchive implements PrivateRooms {

    @Inject
    ConversationStore store;

    @Override
    public Conversation find(String room) {
        return store.find(room);
    }

    /**
     * Looks the pair up, else makes it; a twin made meanwhile by another node fails the insert (a unique pair key),
     * and then the twin is read. Any exception: Narayana throws a failed commit as the checked RollbackException.
     */
    @Override
    public Conversation direct(String newId, Member one, Member other) {
        String pairKey = pairKey(one.userKey(), other.userKey());
        Conversation found = store.findDirect(pairKey);
        if (found != null) {
            return found;
        }
        try {
            return store.create(newId, Conversation.Kind.DIRECT, null, pairKey, List.of(one, other));
        } catch (Exception madeMeanwhile) {
            Conversation twin = store.findDirect(pairKey);
            if (twin == null) {
                throw madeMeanwhile instanceof RuntimeException e ? e : new IllegalStateException(madeMeanwhile);
            }
            return twin;
        }
    }

    @Override
    public Conversation create(String id, String title, Member creator) {
        return store.create(id, Conversation.Kind.PRIVATE, title, null, List.of(creator));
    }

    @Override
    public Conversation add(String room, Member member) {
        return store.add(room, member);
    }

    @Override
    public Conversation remove(String room, String userKey) {
        return store.remove(room, userKey);
    }

    @Override
    public String accountName(String userKey) {
        return Identity.isGuestKey(userKey) ? null : store.accountName(userKey, Identity.nameOf(userKey));
    }

    @Override
    public List<Conversation> findAll(List<String> rooms) {
        return store.findAll(rooms);
    }

    /** The two keys in order: the same pair from either side. */
    static String pairKey(String one, String other) {
        return one.compareTo(other) < 0 ? one + " " + other : other + " " + one;
    }
}

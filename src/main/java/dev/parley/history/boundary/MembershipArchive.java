package dev.parley.history.boundary;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.RoomMemberships;
import dev.parley.history.control.MembershipStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** Keeps the rooms logged-in users keep and their read markers, for chat's membership extension. */
@ApplicationScoped
public class MembershipArchive implements RoomMemberships {

    @Inject
    MembershipStore store;

    @Override
    public List<Event.KeptRoom> kept(String userKey) {
        return store.kept(userKey);
    }

    @Override
    public boolean keep(String userKey, String userName, String room, long read) {
        return store.keep(userKey, userName, room, read);
    }

    @Override
    public List<Reader> readers(String room) {
        return store.readers(room);
    }

    @Override
    public boolean receiptsOn(String userKey) {
        return store.receiptsOn(userKey);
    }

    @Override
    public void receipts(String userKey, boolean on) {
        store.receipts(userKey, on);
    }

    @Override
    public void forget(String userKey, String room) {
        store.forget(userKey, room);
    }

    @Override
    public Marker read(String userKey, String room, long atLeast) {
        return store.read(userKey, room, atLeast);
    }

    @Override
    public void store(Map<Key, Long> markers) {
        if (!markers.isEmpty()) {
            store.store(markers);
        }
    }
}

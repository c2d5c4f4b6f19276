package dev.parley.chat.control;

import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.PrivateRooms;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The conversations contract in memory: a conversation's room is made in the archive double, as in the database. */
public class PrivateRoomsDouble implements PrivateRooms {

    private final ArchiveDouble archive;
    private final AccountsDouble accounts;
    private final Map<String, Conversation> conversations = new TreeMap<>();

    public PrivateRoomsDouble(ArchiveDouble archive, AccountsDouble accounts) {
        this.archive = archive;
        this.accounts = accounts;
    }

    @Override
    public synchronized Conversation find(String room) {
        return conversations.get(room);
    }

    @Override
    public synchronized Conversation direct(String newId, Member one, Member other) {
        return conversations.values().stream()
                .filter(c -> c.kind() == Conversation.Kind.DIRECT && c.has(one.userKey()) && c.has(other.userKey()))
                .findFirst()
                .orElseGet(() -> made(newId, Conversation.Kind.DIRECT, null, List.of(one, other)));
    }

    @Override
    public synchronized Conversation create(String id, String title, Member creator) {
        return made(id, Conversation.Kind.PRIVATE, title, List.of(creator));
    }

    @Override
    public synchronized Conversation add(String room, Member member) {
        Conversation conversation = conversations.get(room);
        if (conversation == null) {
            return null;
        }
        Map<String, String> members = new LinkedHashMap<>(conversation.members());
        members.putIfAbsent(member.userKey(), member.userName());
        return put(new Conversation(room, conversation.kind(), conversation.title(), members));
    }

    @Override
    public synchronized Conversation remove(String room, String userKey) {
        Conversation conversation = conversations.get(room);
        if (conversation == null) {
            return null;
        }
        Map<String, String> members = new LinkedHashMap<>(conversation.members());
        members.remove(userKey);
        return put(new Conversation(room, conversation.kind(), conversation.title(), members));
    }

    @Override
    public String accountName(String userKey) {
        String name = Identity.nameOf(userKey);
        return !Identity.isGuestKey(userKey) && accounts.stored.contains(name) ? name : null;
    }

    @Override
    public synchronized List<Conversation> findAll(List<String> rooms) {
        return rooms.stream().map(conversations::get).filter(c -> c != null).toList();
    }

    /** An operator deleted the room. */
    public synchronized void purge(String room) {
        conversations.remove(room);
    }

    private Conversation made(String id, Conversation.Kind kind, String title, List<Member> members) {
        archive.openRoom(id);
        Map<String, String> byKey = new LinkedHashMap<>();
        members.forEach(member -> byKey.put(member.userKey(), member.userName()));
        return put(new Conversation(id, kind, title, byKey));
    }

    private Conversation put(Conversation conversation) {
        conversations.put(conversation.room(), conversation);
        return conversation;
    }
}

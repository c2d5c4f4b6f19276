package dev.parley.admin.boundary;

import dev.parley.admin.control.AdminRefused;
import dev.parley.admin.control.Administration;
import dev.parley.chat.control.Rooms;
import java.util.function.Supplier;

/**
 * The MXBean's implementation: every call goes to {@link Administration}, an EJB proxy, because JMX threads have no
 * EE context of their own. The actor in the audit trail is the JMX connector's user where the connector tells
 * ({@link JmxCaller}), else {@code jmx}. Only JDK exceptions leave here, so a console without Parley's classes can show them.
 */
public class ChatAdmin implements ChatAdminMXBean {

    private final Administration administration;

    public ChatAdmin(Administration administration) {
        this.administration = administration;
    }

    @Override
    public int getConnections() {
        return call(() -> administration.stats().connections());
    }

    @Override
    public int getRooms() {
        return call(() -> administration.stats().rooms());
    }

    @Override
    public long getMessagesStored() {
        return call(() -> administration.stats().messagesStored());
    }

    @Override
    public double getMessagesPerSecond() {
        return call(() -> administration.stats().messagesPerSecond());
    }

    @Override
    public long getUptime() {
        return call(() -> administration.stats().uptimeSeconds());
    }

    @Override
    public RoomInfo[] listRooms() {
        return call(() -> administration.rooms().stream().map(ChatAdmin::info).toArray(RoomInfo[]::new));
    }

    @Override
    public String[] listMembers(String room) {
        return call(() -> administration.members(room).toArray(String[]::new));
    }

    @Override
    public String kick(String room, String user, String reason) {
        return call(() -> {
            administration.kick(JmxCaller.actor(), room, user, reason);
            return "kicked " + user + " from " + room;
        });
    }

    @Override
    public String ban(String user, long seconds, String reason) {
        return call(() -> {
            administration.ban(JmxCaller.actor(), user, seconds, reason);
            return "banned " + user + for_(seconds);
        });
    }

    @Override
    public String banAddress(String address, long seconds, String reason) {
        return call(() -> {
            administration.banAddress(JmxCaller.actor(), address, seconds, reason);
            return "banned address " + address + for_(seconds);
        });
    }

    @Override
    public String unban(String user) {
        return call(() -> {
            administration.unban(JmxCaller.actor(), user);
            return "unbanned " + user;
        });
    }

    @Override
    public String unbanAddress(String address) {
        return call(() -> {
            administration.unbanAddress(JmxCaller.actor(), address);
            return "unbanned address " + address;
        });
    }

    @Override
    public String mute(String room, String user, long seconds) {
        return call(() -> {
            administration.mute(JmxCaller.actor(), room, user, seconds);
            return "muted " + user + " in " + room + for_(seconds);
        });
    }

    @Override
    public String unmute(String room, String user) {
        return call(() -> {
            administration.unmute(JmxCaller.actor(), room, user);
            return "unmuted " + user + " in " + room;
        });
    }

    @Override
    public String createRoom(String room) {
        return call(() -> {
            administration.createRoom(JmxCaller.actor(), room);
            return "room " + room + " is open";
        });
    }

    @Override
    public String closeRoom(String room, String reason) {
        return call(() -> {
            administration.closeRoom(JmxCaller.actor(), room, reason);
            return "closed " + room;
        });
    }

    @Override
    public String reopenRoom(String room) {
        return call(() -> {
            administration.reopenRoom(JmxCaller.actor(), room);
            return "reopened " + room;
        });
    }

    @Override
    public String purgeRoom(String room, String reason) {
        return call(() -> {
            administration.purgeRoom(JmxCaller.actor(), room, reason);
            return "deleted room " + room;
        });
    }

    @Override
    public String deleteMessage(String room, long seq, String reason) {
        return call(() -> {
            administration.deleteMessage(JmxCaller.actor(), room, seq, reason);
            return "deleted message " + seq + " of " + room;
        });
    }

    @Override
    public String announce(String text) {
        return call(() -> {
            administration.announce(JmxCaller.actor(), text);
            return "announced to everyone";
        });
    }

    @Override
    public String announce(String room, String text) {
        return call(() -> {
            administration.announce(JmxCaller.actor(), room, text);
            return "announced in " + room;
        });
    }

    private static String for_(long seconds) {
        return seconds == 0 ? " permanently" : " for " + seconds + " s";
    }

    private static RoomInfo info(Rooms.Overview room) {
        return new RoomInfo(room.name(), room.members(), room.lastSeq(), room.closed(), room.privateRoom());
    }

    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (AdminRefused refused) {
            throw new IllegalArgumentException(refused.getMessage());
        } catch (RuntimeException failed) {
            throw new IllegalStateException("Parley failed: " + failed, null);
        }
    }
}

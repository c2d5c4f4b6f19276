package dev.parley.admin.boundary;

/**
 * Parley's management interface, {@code dev.parley:type=ChatAdmin}: open types only, so any JMX console reads it
 * without Parley's classes. Users are user names (a guest is its name); seconds 0 means permanent. A refused
 * operation (no such room, bad name …) throws {@link IllegalArgumentException} with the reason.
 */
public interface ChatAdminMXBean {

    int getConnections();

    int getRooms();

    long getMessagesStored();

    double getMessagesPerSecond();

    /** Seconds since Parley started. */
    long getUptime();

    RoomInfo[] listRooms();

    String[] listMembers(String room);

    String kick(String room, String user, String reason);

    String ban(String user, long seconds, String reason);

    String banAddress(String address, long seconds, String reason);

    String unban(String user);

    String unbanAddress(String address);

    String mute(String room, String user, long seconds);

    String unmute(String room, String user);

    String createRoom(String room);

    String closeRoom(String room, String reason);

    String reopenRoom(String room);

    /** Deletes the room, its messages and its state; its members are told with {@code reason}. */
    String purgeRoom(String room, String reason);

    String deleteMessage(String room, long seq, String reason);

    String announce(String text);

    String announce(String room, String text);
}

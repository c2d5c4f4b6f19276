package dev.parley.admin.boundary;

/** One room in {@link ChatAdminMXBean#listRooms()}: a CompositeData with these five items (a return type only). */
public class RoomInfo {

    private final String name;
    private final int members;
    private final long lastSeq;
    private final boolean closed;
    private final boolean privateRoom;

    public RoomInfo(String name, int members, long lastSeq, boolean closed, boolean privateRoom) {
        this.name = name;
        this.members = members;
        this.lastSeq = lastSeq;
        this.closed = closed;
        this.privateRoom = privateRoom;
    }

    public String getName() {
        return name;
    }

    public int getMembers() {
        return members;
    }

    public long getLastSeq() {
        return lastSeq;
    }

    public boolean isClosed() {
        return closed;
    }

    /** A private room or direct conversation (conversations extension): its messages are not shown to operators. */
    public boolean isPrivateRoom() {
        return privateRoom;
    }
}

package dev.parley.admin.boundary;

/** One room in {@link ChatAdminMXBean#listRooms()}: a CompositeData with these four items (a return type only). */
public class RoomInfo {

    private final String name;
    private final int members;
    private final long lastSeq;
    private final boolean closed;

    public RoomInfo(String name, int members, long lastSeq, boolean closed) {
        this.name = name;
        this.members = members;
        this.lastSeq = lastSeq;
        this.closed = closed;
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
}

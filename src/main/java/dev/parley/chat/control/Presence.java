package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells a room's members who came and went: at once in rooms up to 100 members, batched and at most once per
 * {@code parley.presence.large-room-interval-ms} in larger ones, never about themselves. Called with the room's lock
 * held; the batched flush takes it again.
 */
final class Presence {

    private final ScheduledExecutorService scheduler;
    private final Duration largeRoomInterval;

    Presence(ScheduledExecutorService scheduler, Duration largeRoomInterval) {
        this.scheduler = scheduler;
        this.largeRoomInterval = largeRoomInterval;
    }

    /** Sends pending presence now in rooms up to 100 members, at most once per interval in larger ones. */
    void publish(Room room) {
        if (room.members.size() <= ChatLimits.MEMBERS_LISTED) {
            flush(room);
            return;
        }
        if (room.presenceFlush == null) {
            long due = room.presenceFlushedAt + largeRoomInterval.toNanos() - System.nanoTime();
            room.presenceFlush = scheduler.schedule(
                    () -> {
                        room.lock.lock();
                        try {
                            room.presenceFlush = null;
                            flush(room);
                        } finally {
                            room.lock.unlock();
                        }
                    },
                    Math.max(0, due),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void flush(Room room) {
        if (!room.presencePending()) {
            return;
        }
        room.presenceFlushedAt = System.nanoTime();
        Event.Presence presence = room.takePresence();
        String shared = Frames.encode(presence);
        room.members.forEach((key, member) -> {
            String frame = shared;
            if (presence.joined().contains(member.name) || presence.left().contains(member.name)) {
                Event.Presence aboutOthers = new Event.Presence(
                        room.name, without(presence.joined(), member.name), without(presence.left(), member.name));
                if (aboutOthers.joined().isEmpty() && aboutOthers.left().isEmpty()) {
                    return;
                }
                frame = Frames.encode(aboutOthers);
            }
            String toSend = frame;
            member.connections.forEach(connection -> connection.sendEncoded(toSend));
        });
    }

    private static List<String> without(List<String> names, String name) {
        return names.stream().filter(other -> !other.equals(name)).toList();
    }
}

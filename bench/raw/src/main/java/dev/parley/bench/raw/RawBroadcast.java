package dev.parley.bench.raw;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor Parley is measured against: every text frame goes, unchanged, to every session of the same room (the
 * sender included, like Parley's echo). No parsing, no persistence, no limits, no queue: a blocking send per
 * session, serialised per session because containers refuse concurrent sends on one session.
 */
@ServerEndpoint("/broadcast/{room}")
public class RawBroadcast {

    private static final Map<String, Set<Session>> ROOMS = new ConcurrentHashMap<>();

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        ROOMS.computeIfAbsent(room, absent -> ConcurrentHashMap.newKeySet()).add(session);
    }

    @OnMessage
    public void broadcast(String text, @PathParam("room") String room) {
        for (Session member : ROOMS.getOrDefault(room, Set.of())) {
            synchronized (member) {
                try {
                    if (member.isOpen()) {
                        member.getBasicRemote().sendText(text);
                    }
                } catch (IOException | IllegalStateException gone) {
                    // the member left; its close removes it
                }
            }
        }
    }

    @OnClose
    public void close(Session session, @PathParam("room") String room) {
        Set<Session> members = ROOMS.get(room);
        if (members != null) {
            members.remove(session);
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // a broken connection: its close follows
    }
}

package dev.parley;

import static dev.parley.AdminIT.COUNTED;
import static dev.parley.AdminIT.RATE_SEEN;
import static dev.parley.AdminIT.isNotice;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.JmxConsole;
import dev.parley.testing.Poll;
import dev.parley.testing.RealmUsers;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Arrays;
import java.util.List;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/**
 * The administration MXBean as an operator's JConsole calls it over WildFly's JMX remoting, with a management user
 * of the server's own realm ({@link RealmUsers}): its counts move, and its operations act on the wire and leave
 * audit rows by {@code jmx}: WildFly's remoting connector runs a call as its user in Elytron's own context, with no
 * Subject for {@code JmxCaller} to name (JmxCallerTest shows the JDK's connector, which has one). WildFly only (the
 * payara and liberty profiles exclude it): the remote JMX connector and the user are WildFly's.
 */
class AdminJmxIT extends DeployedParley {

    static final String MBEAN = "dev.parley:type=ChatAdmin";

    @Test
    void theMxBeanShowsCountsAndItsOperationsActOnTheWire() throws Exception {
        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0"));
        String room = unique("jmx");
        try (JmxConsole jmx = JmxConsole.wildFly(offset, RealmUsers.JMX, RealmUsers.JMX_PASSWORD);
                ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            assertTrue((Integer) jmx.attribute(MBEAN, "Connections") >= 2);
            assertTrue((Integer) jmx.attribute(MBEAN, "Rooms") >= 1);
            long uptime = (Long) jmx.attribute(MBEAN, "Uptime");
            long storedBefore = (Long) jmx.attribute(MBEAN, "MessagesStored");

            String[] text = {String.class.getName()};
            String[] twoTexts = {String.class.getName(), String.class.getName()};
            jmx.invoke(MBEAN, "createRoom", new Object[] {room}, text);
            CompositeData[] rooms = (CompositeData[]) jmx.invoke(MBEAN, "listRooms", new Object[0], new String[0]);
            assertTrue(Arrays.stream(rooms).anyMatch(r -> room.equals(r.get("name"))), "listRooms lacks " + room);
            assertTrue(
                    Arrays.stream(rooms).noneMatch(r -> room.equals(r.get("name")) && (Boolean) r.get("privateRoom")),
                    "a public room is not marked private");

            alice.join(room);
            bob.join(room);
            for (int i = 0; i < COUNTED; i++) {
                alice.post(room, "counted " + i);
            }
            assertTrue((Long) jmx.attribute(MBEAN, "MessagesStored") >= storedBefore + COUNTED);
            Poll.until(
                    RATE_SEEN,
                    () -> (Double) jmx.attribute(MBEAN, "MessagesPerSecond"),
                    rate -> rate > 0,
                    rate -> "MessagesPerSecond is " + rate + " after " + COUNTED + " messages");
            Poll.until(
                    RATE_SEEN,
                    () -> (Long) jmx.attribute(MBEAN, "Uptime"),
                    later -> later > uptime,
                    later -> "Uptime stayed at " + later + " s");
            String[] members = (String[]) jmx.invoke(MBEAN, "listMembers", new Object[] {room}, text);
            assertEquals(
                    List.of(alice.user(), bob.user()).stream()
                            .sorted(String.CASE_INSENSITIVE_ORDER)
                            .toList(),
                    List.of(members));

            jmx.invoke(MBEAN, "announce", new Object[] {room, "from the console"}, twoTexts);
            alice.await(frame -> isNotice(frame, "from the console"), "the JMX notice");

            jmx.invoke(MBEAN, "mute", new Object[] {room, bob.user(), 0L}, new String[] {
                String.class.getName(), String.class.getName(), long.class.getName()
            });
            bob.say(room, "muted?", ChatClient.ref());
            bob.awaitError("muted");
            jmx.invoke(MBEAN, "unmute", new Object[] {room, bob.user()}, twoTexts);

            jmx.invoke(MBEAN, "kick", new Object[] {room, bob.user(), "console kick"}, new String[] {
                String.class.getName(), String.class.getName(), String.class.getName()
            });
            assertEquals("kicked", bob.await("left").getString("reason"));

            jmx.invoke(MBEAN, "closeRoom", new Object[] {room, "console close"}, twoTexts);
            assertEquals("room_closed", alice.await("left").getString("reason"));
            jmx.invoke(MBEAN, "reopenRoom", new Object[] {room}, text);
            alice.join(room);
            long seq = alice.post(room, "to be deleted").getJsonNumber("seq").longValue();
            jmx.invoke(MBEAN, "deleteMessage", new Object[] {room, seq, "console delete"}, new String[] {
                String.class.getName(), long.class.getName(), String.class.getName()
            });
            assertEquals(seq, alice.await("deleted").getJsonNumber("seq").longValue());

            jmx.invoke(MBEAN, "purgeRoom", new Object[] {room, "console purge"}, twoTexts);
            assertEquals(
                    "the room was deleted: console purge", alice.await("left").getString("text"));
            JsonObject fresh = alice.join(room);
            assertEquals(0, fresh.getJsonArray("history").size(), "the purged room's messages are gone");
            assertEquals(0, fresh.getInt("last"));

            jmx.invoke(MBEAN, "ban", new Object[] {bob.user(), 0L, "console ban"}, new String[] {
                String.class.getName(), long.class.getName(), String.class.getName()
            });
            bob.awaitError("banned");
            assertEquals(4004, bob.awaitClose());
            jmx.invoke(MBEAN, "unban", new Object[] {bob.user()}, text);

            try {
                jmx.invoke(MBEAN, "kick", new Object[] {"no-such-room", "bob", null}, new String[] {
                    String.class.getName(), String.class.getName(), String.class.getName()
                });
                throw new AssertionError("kick in a missing room did not fail");
            } catch (javax.management.RuntimeMBeanException refused) {
                assertTrue(refused.getCause() instanceof IllegalArgumentException, refused.toString());
            }
        }
        AdminApi admin = AdminApi.admin(base);
        JsonArray audit = admin.array(admin.get("audit?limit=200"));
        for (String action : List.of(
                "create-room", "announce", "mute", "kick", "close-room", "delete-message", "purge-room", "ban")) {
            assertTrue(
                    audit.stream()
                            .map(JsonValue::asJsonObject)
                            .anyMatch(row ->
                                    "jmx".equals(row.getString("actor")) && action.equals(row.getString("action"))),
                    "no audit row of " + action + " by jmx in " + audit);
        }
    }
}

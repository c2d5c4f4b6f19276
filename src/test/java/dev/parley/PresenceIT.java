package dev.parley;

import static dev.parley.testing.ChatClient.TIMEOUT;
import static dev.parley.testing.ChatClient.strings;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.OwnServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence: who joined and left a room, told to the other members, never to the user it is about; a disconnect
 * becomes {@code left} only after the presence grace ({@code parley.presence.grace-ms}, read from the system
 * property or the server's arguments in arquillian.xml).
 */
class PresenceIT extends DeployedParley {

    static final Duration GRACE = Duration.ofMillis(serverSetting("parley.presence.grace-ms", 5000));
    /** Three client timeouts: bob's way back is a connect, a welcome and a join, each bounded by one. */
    static final Duration LONG_GRACE = TIMEOUT.multipliedBy(3);

    @RegisterExtension
    static final OwnServer longGrace =
            OwnServer.with("presence", "-Dparley.presence.grace-ms=" + LONG_GRACE.toMillis());

    @Test
    void aJoinIsAnnouncedToTheOtherMembersButNotToTheJoiner() {
        String room = unique("presence");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"));
                ChatClient carol = ChatClient.open(base, unique("carol"))) {
            alice.join(room);
            carol.join(unique("elsewhere"));

            bob.command("join", "room", room);
            JsonObject joined = bob.next();
            assertEquals("joined", joined.getString("type"), joined::toString);
            assertEquals(List.of(alice.user(), bob.user()), strings(joined, "members"));
            assertEquals(2, joined.getInt("count"));
            assertTrue(bob.sync().isEmpty(), "the joiner got more than joined");

            JsonObject presence = alice.next();
            assertEquals("presence", presence.getString("type"), presence::toString);
            assertEquals(room, presence.getString("room"));
            assertEquals(List.of(bob.user()), strings(presence, "joined"));
            assertTrue(strings(presence, "left").isEmpty(), presence::toString);

            assertTrue(carol.sync().isEmpty(), "a user in another room heard of the join");
        }
    }

    @Test
    void aLeaveIsAnsweredWithLeftAndAnnouncedToTheOthers() {
        String room = unique("presence");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await("presence");

            bob.command("leave", "room", room);
            JsonObject left = bob.next();
            assertEquals("left", left.getString("type"), left::toString);
            assertEquals(room, left.getString("room"));
            assertFalse(left.containsKey("reason"), "a leave of one's own has no reason: " + left);
            assertTrue(bob.sync().isEmpty(), "the leaver got more than left");

            JsonObject presence = alice.next();
            assertEquals("presence", presence.getString("type"), presence::toString);
            assertEquals(room, presence.getString("room"));
            assertEquals(List.of(bob.user()), strings(presence, "left"));
            assertTrue(strings(presence, "joined").isEmpty(), presence::toString);

            JsonObject rejoined = alice.join(room);
            assertEquals(List.of(alice.user()), strings(rejoined, "members"));
            assertEquals(1, rejoined.getInt("count"));
        }
    }

    @Test
    void aDisconnectIsAnnouncedAsLeftOnlyAfterTheGrace() {
        String room = unique("grace");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await("presence");

            long closing = System.nanoTime();
            bob.close();
            JsonObject presence = alice.next();
            Duration waited = Duration.ofNanos(System.nanoTime() - closing);

            assertEquals("presence", presence.getString("type"), presence::toString);
            assertEquals(List.of(bob.user()), strings(presence, "left"));
            assertTrue(
                    waited.compareTo(GRACE) >= 0,
                    "left came " + waited.toMillis() + " ms after the disconnect, within the grace of "
                            + GRACE.toMillis() + " ms");
            assertEquals(1, alice.join(room).getInt("count"), "bob is no longer a member");
        }
    }

    /**
     * Proves absence by order: dave disconnects after bob, so a {@code left} for bob, if one were coming, would come
     * before dave's. Needs bob back within the grace, so it runs on a server of its own whose grace
     * ({@link #LONG_GRACE}) outlasts every wait of bob's way back: a way back slower than that has already failed on a
     * client timeout, so neither a slow machine nor a fast one decides the outcome.
     */
    @Test
    void aUserWhoReconnectsAndRejoinsWithinTheGraceIsNotShownAsLeft() {
        URL longGraceBase = longGrace.base();
        String room = unique("grace");
        String bobName = unique("bob");
        // alice waits out the grace for dave's left
        try (ChatClient alice = ChatClient.open(longGraceBase, unique("alice"), LONG_GRACE.plus(TIMEOUT));
                ChatClient dave = ChatClient.open(longGraceBase, unique("dave"))) {
            alice.join(room);
            dave.join(room);
            long closing;
            String token;
            try (ChatClient bob = ChatClient.open(longGraceBase, bobName)) {
                token = bob.welcome().getString("resume");
                bob.join(room);
                alice.until(presenceAbout("joined", bobName), "bob's join");
                closing = System.nanoTime();
            }
            try (ChatClient bobAgain = ChatClient.resume(longGraceBase, bobName, token)) {
                JsonObject rejoined = bobAgain.join(room);
                Duration away = Duration.ofNanos(System.nanoTime() - closing);
                assertTrue(
                        away.compareTo(LONG_GRACE) < 0,
                        "bob took " + away.toMillis() + " ms to come back, the grace is " + LONG_GRACE.toMillis()
                                + " ms");
                assertTrue(strings(rejoined, "members").contains(alice.user()));

                dave.close();
                List<JsonObject> seen = alice.until(presenceAbout("left", dave.user()), "dave's left");
                assertTrue(
                        seen.stream().noneMatch(presenceAbout("left", bobName)),
                        "bob came back within the grace but was shown as left: " + seen);
            }
        }
    }

    static Predicate<JsonObject> presenceAbout(String field, String user) {
        return frame -> "presence".equals(frame.getString("type", null))
                && strings(frame, field).contains(user);
    }

    /**
     * A server setting as the tests started the server with it: the test JVM's system property, else the
     * {@code -Dname=value} in arquillian.xml's server arguments, else the server's default.
     */
    static long serverSetting(String name, long fallback) {
        String value = System.getProperty(name);
        if (value != null) {
            return Long.parseLong(value.trim());
        }
        try (InputStream xml = PresenceIT.class.getClassLoader().getResourceAsStream("arquillian.xml")) {
            if (xml != null) {
                Matcher matcher = Pattern.compile("-D" + Pattern.quote(name) + "=(\\d+)")
                        .matcher(new String(xml.readAllBytes(), StandardCharsets.UTF_8));
                if (matcher.find()) {
                    return Long.parseLong(matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fallback;
    }
}

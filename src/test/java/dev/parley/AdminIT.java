package dev.parley;

import static dev.parley.testing.ChatClient.chatUri;
import static dev.parley.testing.ChatClient.json;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Poll;
import dev.parley.testing.RealmUsers;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Administration on the managed server, black-box: who may use the REST API, and every operator action observed by
 * real WebSocket clients, through REST ({@link AdminJmxIT}: through JMX); each action leaves an audit row. The
 * users are the realm's own: WildFly's add-user.sh ({@link RealmUsers}), Liberty's basicRegistry
 * (src/test/liberty/server.xml).
 */
class AdminIT extends DeployedParley {

    static final int COUNTED = 3;
    /** A rate sample a second, an uptime in whole seconds: both move within a few seconds, even when slow. */
    static final Duration RATE_SEEN = Duration.ofSeconds(15);

    AdminApi admin;

    @BeforeEach
    void logIn() {
        admin = AdminApi.admin(base);
    }

    // ---- who may call ----

    @Test
    void withoutCredentialsTheApiAnswers401WithABasicChallenge() {
        HttpResponse<String> response = AdminApi.anonymous(base).get("stats");
        assertEquals(401, response.statusCode());
        assertTrue(
                response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "),
                "WWW-Authenticate: " + response.headers().map());

        HttpResponse<String> wrong =
                AdminApi.basic(base, RealmUsers.ADMIN, "not-the-password").get("stats");
        assertEquals(401, wrong.statusCode());
    }

    @Test
    void aUserWithoutTheRoleGets403() {
        AdminApi chatter = AdminApi.basic(base, RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD);
        assertEquals(403, chatter.get("stats").statusCode());
        assertEquals(403, chatter.post("announce", json("text", "not allowed")).statusCode());
    }

    /**
     * The rate is sampled once a second over {@code parley.admin.rate-window-s} (10 s by default): messages stored
     * just now show as a positive rate within a sample or two.
     */
    @Test
    void anAdminGetsTheLiveCounts() {
        String room = unique("counted");
        try (ChatClient alice = ChatClient.open(base, unique("alice"))) {
            JsonObject stats = admin.object(admin.get("stats"));
            assertTrue(stats.getInt("connections") >= 1, stats.toString());
            assertTrue(stats.getInt("rooms") >= 1, stats.toString());
            alice.join(room);
            for (int i = 0; i < COUNTED; i++) {
                alice.post(room, "counted " + i);
            }
            JsonObject after = admin.object(admin.get("stats"));
            assertTrue(
                    after.getJsonNumber("messagesStored").longValue()
                            >= stats.getJsonNumber("messagesStored").longValue() + COUNTED,
                    stats + " -> " + after);
            Poll.until(
                    RATE_SEEN,
                    () -> admin.object(admin.get("stats")),
                    now -> now.getJsonNumber("messagesPerSecond").doubleValue() > 0
                            && now.getJsonNumber("uptimeSeconds").longValue()
                                    > stats.getJsonNumber("uptimeSeconds").longValue(),
                    now -> "after " + COUNTED + " messages the rate is not positive or the uptime did not grow: "
                            + stats + " -> " + now);
            assertTrue(names(admin.array(admin.get("rooms"))).contains("general"));
        }
    }

    @Test
    void roomsAndTheAuditTrailComeAPageAtATime() {
        String prefix = unique("paged");
        List<String> created = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
        created.forEach(room -> admin.ok(admin.post("rooms", json("room", room))));

        HttpResponse<String> second = admin.get("rooms?query=" + prefix + "&offset=1&limit=1");
        HttpResponse<String> newest = admin.get("audit?limit=2");
        HttpResponse<String> older = admin.get("audit?offset=1&limit=1");
        assertEquals(List.of(prefix + "-b"), names(admin.array(second)));
        assertEquals("3", second.headers().firstValue("X-Total-Count").orElse(""));
        assertEquals(
                admin.array(newest).get(1).asJsonObject().getString("target"),
                admin.array(older).get(0).asJsonObject().getString("target"));
        assertTrue(names(admin.array(admin.get("rooms"))).containsAll(created), "without paging: every room");
    }

    @Test
    void theAdminPageNeedsTheFormLoginAndMutatingCallsTheCsrfHeader() {
        AdminApi page = AdminApi.formLogin(base, RealmUsers.ADMIN, RealmUsers.ADMIN_PASSWORD);
        assertEquals(200, page.send("GET", "admin/", null).statusCode());
        JsonObject session = page.object(page.get("session"));
        assertEquals(RealmUsers.ADMIN, session.getString("user"));

        assertEquals(403, page.post("announce", json("text", "no csrf header")).statusCode());
        page.header("X-Parley-CSRF", session.getString("csrf"));
        assertEquals(
                204, page.post("announce", json("text", "with the csrf header")).statusCode());

        AdminApi chatterPage = AdminApi.formLogin(base, RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD);
        assertEquals(403, chatterPage.send("GET", "admin/", null).statusCode());
    }

    // ---- actions seen on the wire ----

    @Test
    void aKickedUserGetsLeftKickedAndTheOthersPresenceLeft() {
        String room = unique("kick");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await(frame -> isPresence(frame, "joined", bob.user()), "bob's arrival");

            admin.ok(admin.post("rooms/" + room + "/kick", json("user", bob.user(), "reason", "be nice")));

            JsonObject left = bob.await("left");
            assertEquals(room, left.getString("room"));
            assertEquals("kicked", left.getString("reason"));
            assertEquals("be nice", left.getString("text"));
            alice.await(frame -> isPresence(frame, "left", bob.user()), "presence left of bob");
            bob.command("say", "room", room, "text", "still here?");
            bob.awaitError("not_member");
            bob.join(room);
        }
        assertAudited("kick", room + "/");
    }

    @Test
    void aBannedUserIsClosedWith4004AndRefusedUntilUnbanned() {
        String name = unique("mallory");
        try (ChatClient mallory = ChatClient.open(base, name)) {
            admin.ok(admin.post("bans", json("user", name, "seconds", 0, "reason", "spam")));
            mallory.awaitError("banned");
            assertEquals(4004, mallory.awaitClose());
        }
        assertRefusedAsBanned(name);
        assertRefusedAsBanned(name.toUpperCase());
        assertTrue(
                admin.array(admin.get("bans")).stream()
                        .anyMatch(ban -> ("g:" + name).equals(ban.asJsonObject().getString("subject"))),
                "a guest's name, banned by its name, is the guest's ban");

        admin.ok(admin.delete("bans/users/" + name));
        try (ChatClient again = ChatClient.open(base, name)) {
            assertEquals(name, again.user());
        }
        assertAudited("ban", "user:g:" + name);
        assertAudited("unban", "user:g:" + name);
    }

    /** A ban so long that its end in milliseconds overflowed used to end at once. */
    @Test
    void aBanLongerThanAHundredYearsIsRefusedNeverShortened() {
        String name = unique("forever");
        long tooLong = Long.MAX_VALUE / 1000;
        assertEquals(
                400, admin.post("bans", json("user", name, "seconds", tooLong)).statusCode());
        assertTrue(admin.array(admin.get("bans")).stream()
                .noneMatch(ban -> name.equals(ban.asJsonObject().getString("subject"))));
        admin.ok(admin.post("bans", json("user", name, "seconds", 100L * 365 * 24 * 3600, "reason", "long")));
        assertRefusedAsBanned(name);
        admin.ok(admin.delete("bans/users/" + name));
    }

    @Test
    void aTwoSecondBanEndsByItself() {
        String name = unique("brief");
        long bannedAt = System.currentTimeMillis();
        admin.ok(admin.post("bans", json("user", name, "seconds", 2, "reason", "cool down")));
        assertRefusedAsBanned(name);

        Poll.until(
                Duration.ofSeconds(15),
                () -> admin.array(admin.get("bans")).stream()
                        .noneMatch(
                                ban -> ("g:" + name).equals(ban.asJsonObject().getString("subject"))),
                "the ban's timer ended it");
        assertTrue(System.currentTimeMillis() - bannedAt >= 2000, "the ban ended before its 2 s");
        try (ChatClient back = ChatClient.open(base, name)) {
            assertEquals(name, back.user());
        }
        assertAudited("ban-ended", "user:g:" + name);
    }

    @Test
    void aBanByAddressRefusesEveryNameFromThatAddress() {
        try (ChatClient victim = ChatClient.open(base, unique("local"))) {
            admin.ok(admin.post("bans", json("address", "127.0.0.1", "seconds", 0, "reason", "flood")));
            try {
                victim.awaitError("banned");
                assertEquals(4004, victim.awaitClose());
                assertRefusedAsBanned(unique("other"));
            } finally {
                admin.ok(admin.delete("bans/addresses/127.0.0.1"));
            }
        }
        try (ChatClient after = ChatClient.open(base, unique("other"))) {
            assertNotNull(after.welcome());
        }
    }

    @Test
    void aMutedUserGetsMutedOnSayUntilUnmuted() {
        String room = unique("mute");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            admin.ok(admin.post("rooms/" + room + "/mutes", json("user", bob.user(), "seconds", 0)));

            bob.say(room, "can you hear me?", ChatClient.ref());
            JsonObject error = bob.awaitError("muted");
            assertEquals(room, error.getString("room"));
            alice.post(room, "alice is not muted");

            admin.ok(admin.delete("rooms/" + room + "/mutes/" + bob.user()));
            bob.post(room, "bob speaks again");
        }
        assertAudited("mute", room + "/");
        assertAudited("unmute", room + "/");
    }

    @Test
    void aClosedRoomEvictsItsMembersAndRefusesJoinsUntilReopened() {
        String room = unique("closing");
        try (ChatClient alice = ChatClient.open(base, unique("alice"))) {
            alice.join(room);
            admin.ok(admin.post("rooms/" + room + "/close", json("reason", "maintenance")));

            JsonObject left = alice.await("left");
            assertEquals("room_closed", left.getString("reason"));
            assertEquals("maintenance", left.getString("text"));
            alice.command("join", "room", room);
            assertEquals(room, alice.awaitError("room_closed").getString("room"));
        }
        try (ChatClient later = ChatClient.open(base, unique("later"))) {
            assertFalse(ChatClient.strings(later.welcome(), "rooms").contains(room), "welcome lists a closed room");
            later.command("join", "room", room);
            later.awaitError("room_closed");

            admin.ok(admin.post("rooms/" + room + "/reopen", null));
            later.join(room);
        }
        assertAudited("close-room", room);
        assertAudited("reopen-room", room);
    }

    @Test
    void aCreatedRoomIsJoinableWhenAutoCreateWouldNotMatter() {
        String room = unique("made");
        admin.ok(admin.post("rooms", json("room", room)));
        assertTrue(names(admin.array(admin.get("rooms"))).contains(room));
        try (ChatClient alice = ChatClient.open(base, unique("alice"))) {
            assertTrue(ChatClient.strings(alice.welcome(), "rooms").contains(room));
            alice.join(room);
            assertEquals(List.of(alice.user()), strings(admin.array(admin.get("rooms/" + room + "/members"))));
        }
        assertAudited("create-room", room);
    }

    @Test
    void aDeletedMessageIsRedactedInHistoryAndMembersAreTold() {
        String room = unique("redact");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            long first = alice.post(room, "a regrettable message")
                    .getJsonNumber("seq")
                    .longValue();
            alice.post(room, "a fine message");

            admin.ok(admin.delete("rooms/" + room + "/messages/" + first + "?reason=abuse"));

            for (ChatClient member : List.of(alice, bob)) {
                JsonObject deleted = member.await("deleted");
                assertEquals(room, deleted.getString("room"));
                assertEquals(first, deleted.getJsonNumber("seq").longValue());
            }
            alice.command("history", "room", room, "after", 0);
            JsonArray messages = alice.await("history").getJsonArray("messages");
            assertEquals(2, messages.size());
            JsonObject redacted = messages.getJsonObject(0);
            assertEquals(first, redacted.getJsonNumber("seq").longValue());
            assertEquals("", redacted.getString("text"));
            assertTrue(redacted.getBoolean("deleted"));
            assertEquals("a fine message", messages.getJsonObject(1).getString("text"));
            assertFalse(messages.getJsonObject(1).containsKey("deleted"));
        }
        try (ChatClient carol = ChatClient.open(base, unique("carol"))) {
            JsonArray history = carol.join(room).getJsonArray("history");
            assertEquals("", history.getJsonObject(0).getString("text"));
            assertTrue(history.getJsonObject(0).getBoolean("deleted"));
        }
        assertEquals(404, admin.delete("rooms/" + room + "/messages/99").statusCode());
        assertAudited("delete-message", room + "#");
    }

    @Test
    void aPurgedRoomSendsItsMembersOutDeletesItsMessagesAndFreesItsName() {
        String room = unique("purged");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.post(room, "soon gone");
            alice.post(room, "gone too");

            admin.ok(admin.delete("rooms/" + room + "?reason=spam"));

            for (ChatClient member : List.of(alice, bob)) {
                JsonObject left = member.await("left");
                assertEquals(room, left.getString("room"));
                assertEquals("room_closed", left.getString("reason"));
                assertEquals("the room was deleted: spam", left.getString("text"));
            }
            assertFalse(names(admin.array(admin.get("rooms"))).contains(room));
            assertEquals(404, admin.get("rooms/" + room + "/members").statusCode());
        }
        try (ChatClient carol = ChatClient.open(base, unique("carol"))) {
            assertFalse(ChatClient.strings(carol.welcome(), "rooms").contains(room), "welcome lists a purged room");
            JsonObject joined = carol.join(room);
            assertEquals(0, joined.getJsonArray("history").size(), "the stored messages are gone, not only the cache");
            assertEquals(0, joined.getInt("last"), "a new room of the same name counts from the start");
            carol.command("history", "room", room, "after", 0);
            assertEquals(0, carol.await("history").getJsonArray("messages").size());
            assertEquals(1, carol.post(room, "a new start").getJsonNumber("seq").longValue());
        }
        assertEquals(404, admin.delete("rooms/" + unique("never")).statusCode());
        assertEquals(400, admin.delete("rooms/general").statusCode(), "general always exists");
        assertAudited("purge-room", room);
    }

    @Test
    void anAnnouncementReachesEveryoneOrOneRoom() {
        String room = unique("news");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            String everyone = "maintenance at noon " + unique("n");
            admin.ok(admin.post("announce", json("text", everyone)));
            for (ChatClient client : List.of(alice, bob)) {
                JsonObject notice = client.await(frame -> isNotice(frame, everyone), "the notice");
                assertFalse(notice.containsKey("room"));
            }

            String roomOnly = "only for " + room;
            admin.ok(admin.post("announce", json("room", room, "text", roomOnly)));
            assertEquals(
                    room,
                    alice.await(frame -> isNotice(frame, roomOnly), "the room notice")
                            .getString("room"));
            assertTrue(bob.sync().stream().noneMatch(frame -> isNotice(frame, roomOnly)), "bob is not in " + room);
        }
        assertAudited("announce", room);
    }

    @Test
    void refusalsSayWhy() {
        assertEquals(
                404, admin.post("rooms/no-such-room/kick", json("user", "bob")).statusCode());
        assertEquals(
                400,
                admin.post("bans", json("user", "not a name", "seconds", 0)).statusCode());
        assertEquals(400, admin.post("bans", json("user", "bob", "seconds", -1)).statusCode());
        assertEquals(400, admin.post("rooms", json("room", "Not A Room")).statusCode());
        assertEquals(404, admin.delete("bans/users/" + unique("never")).statusCode());
    }

    // ---- helpers ----

    private void assertRefusedAsBanned(String name) {
        try (ChatClient refused = ChatClient.connect(chatUri(base, "name=" + name))) {
            refused.awaitError("banned");
            assertEquals(4004, refused.awaitClose());
        }
    }

    private void assertAudited(String action, String targetPrefix) {
        JsonArray audit = admin.array(admin.get("audit?limit=500"));
        assertTrue(
                audit.stream()
                        .map(JsonValue::asJsonObject)
                        .anyMatch(row -> action.equals(row.getString("action"))
                                && row.getString("target", "").startsWith(targetPrefix)
                                && row.getJsonNumber("at").longValue() > 0
                                && !row.getString("actor").isEmpty()),
                "no audit row " + action + " " + targetPrefix + " in " + audit);
        if (!action.endsWith("-ended")) {
            assertTrue(
                    audit.stream()
                            .map(JsonValue::asJsonObject)
                            .anyMatch(row -> action.equals(row.getString("action"))
                                    && RealmUsers.ADMIN.equals(row.getString("actor"))),
                    "the actor is not the admin's principal");
        }
    }

    static boolean isPresence(JsonObject frame, String field, String user) {
        return "presence".equals(frame.getString("type", null))
                && ChatClient.strings(frame, field).contains(user);
    }

    static boolean isNotice(JsonObject frame, String text) {
        return "notice".equals(frame.getString("type", null)) && text.equals(frame.getString("text", null));
    }

    static List<String> names(JsonArray rooms) {
        return rooms.stream().map(room -> room.asJsonObject().getString("name")).toList();
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)
                .toList();
    }
}

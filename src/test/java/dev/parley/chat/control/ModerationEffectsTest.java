package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Identity;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What chat does with the operators' restrictions and actions (the admin component decides and stores them). */
class ModerationEffectsTest {

    ChatFixture chat = new ChatFixture(Map.of("parley.presence.grace-ms", "60000"));
    Rooms cut = chat.rooms;

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink bobSink = new RecordingSink();
    Connection alice = chat.guest("alice", aliceSink);
    Connection bob = chat.guest("bob", bobSink);

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aKickRemovesTheUserAtOnceWithoutTheGraceAndTellsTheOthers() {
        bothIn("lobby");

        assertTrue(cut.kick("lobby", "g:bob", "be nice"));

        JsonObject left = bobSink.next("left");
        assertEquals("kicked", left.getString("reason"));
        assertEquals("be nice", left.getString("text"));
        JsonObject presence = aliceSink.next("presence");
        assertEquals("bob", presence.getJsonArray("left").getString(0));
        assertEquals(List.of("alice"), cut.members("lobby").orElseThrow());
        assertFalse(bob.rooms().contains("lobby"));
        assertFalse(cut.kick("lobby", "g:bob", null), "bob is no longer there");
    }

    @Test
    void aClosedRoomEvictsEveryoneRefusesJoinsAndIsNotListedUntilReopened() {
        bothIn("lobby");
        chat.moderation.close("lobby");
        cut.evict("lobby", "maintenance");

        assertEquals("room_closed", aliceSink.next("left").getString("reason"));
        assertEquals("room_closed", bobSink.next("left").getString("reason"));
        assertFalse(cut.listed().contains("lobby"));
        cut.join(alice, new Command.Join("lobby"));
        assertEquals("room_closed", aliceSink.next("error").getString("code"));

        chat.moderation.reopen("lobby");
        cut.join(alice, new Command.Join("lobby"));
        aliceSink.next("joined");
        assertTrue(cut.listed().contains("lobby"));
    }

    @Test
    void aMutedUserGetsMutedUntilTheMuteEnds() {
        bothIn("lobby");
        Instant now = Instant.parse("2026-11-22T03:00:00Z");
        chat.moderation.clock = Clock.fixed(now, ZoneOffset.UTC);
        chat.moderation.mute("lobby", "g:bob", now.toEpochMilli() + 1000);

        cut.post(bob, new Command.Say("lobby", "hello?", null));
        assertEquals("muted", bobSink.next("error").getString("code"));

        chat.moderation.clock = Clock.fixed(now.plusMillis(1000), ZoneOffset.UTC);
        cut.post(bob, new Command.Say("lobby", "hello!", null));
        assertEquals("hello!", bobSink.next("message").getString("text"));
    }

    @Test
    void anExpiryDoesNotLiftANewerRestriction() {
        chat.moderation.banUser("bob", 1000);
        chat.moderation.banUser("bob", Moderation.PERMANENT);
        chat.moderation.unbanUser("bob", 1000L);
        assertTrue(chat.moderation.banned("bob", null));
        chat.moderation.unbanUser("bob", null);
        assertFalse(chat.moderation.banned("bob", null));
    }

    @Test
    void aGuestsMuteDoesNotMuteTheAccountOfThatName() {
        chat.moderation.mute("lobby", bob.userKey(), Moderation.PERMANENT);
        RecordingSink accountSink = new RecordingSink();
        Connection bobsAccount = chat.connection(new Identity("bob", true), accountSink);
        assertNull(chat.users.register(bobsAccount, null), "the account takes the name from the guest");
        cut.join(bobsAccount, new Command.Join("lobby"));
        accountSink.next("joined");

        cut.post(bobsAccount, new Command.Say("lobby", "not muted", null));

        assertEquals("not muted", accountSink.next("message").getString("text"));
    }

    @Test
    void aBanExpelsEveryConnectionOfTheUserOrFromTheAddress() {
        alice.address("10.0.0.7");
        assertEquals(1, chat.users.expel("g:bob", null, "you are banned"));
        assertEquals("banned", bobSink.next("error").getString("code"));
        assertEquals(4004, bobSink.closeCode());

        assertEquals(1, chat.users.expel(null, "10.0.0.7", "you are banned"));
        assertEquals(4004, aliceSink.closeCode());
    }

    @Test
    void aDeletedMessageIsRedactedInJoinedHistoryAndMembersAreTold() {
        bothIn("lobby");
        cut.post(alice, new Command.Say("lobby", "oops", null));
        JsonObject posted = aliceSink.next("message");
        bobSink.next("message");

        cut.redacted("lobby", posted.getJsonNumber("seq").longValue());

        assertEquals(posted.getInt("seq"), aliceSink.next("deleted").getInt("seq"));
        assertEquals(posted.getInt("seq"), bobSink.next("deleted").getInt("seq"));
        RecordingSink carolSink = new RecordingSink();
        cut.join(chat.guest("carol", carolSink), new Command.Join("lobby"));
        JsonObject redacted = carolSink.next("joined").getJsonArray("history").getJsonObject(0);
        assertEquals("", redacted.getString("text"));
        assertTrue(redacted.getBoolean("deleted"));
    }

    @Test
    void anAnnouncementGoesToEveryoneOrToOneRoom() {
        cut.join(alice, new Command.Join("lobby"));
        aliceSink.next("joined");

        chat.users.announce("to all");
        assertEquals("to all", aliceSink.next("notice").getString("text"));
        assertFalse(bobSink.next("notice").containsKey("room"));

        assertTrue(cut.announce("lobby", "to the lobby"));
        assertEquals("lobby", aliceSink.next("notice").getString("room"));
        assertTrue(bobSink.drain().isEmpty());
    }

    private void bothIn(String room) {
        cut.join(alice, new Command.Join(room));
        aliceSink.next("joined");
        cut.join(bob, new Command.Join(room));
        bobSink.next("joined");
        aliceSink.next("presence");
    }
}

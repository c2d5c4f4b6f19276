package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Handshake;
import dev.parley.chat.entity.Identity;
import jakarta.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UsersTest {

    ChatFixture chat = new ChatFixture(Map.of());
    Users cut = chat.users;

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aGuestIsWhoTheNameSays() {
        Users.Admission admission = cut.identify(new Handshake(null, "Alice", null, null, "localhost:8080"));
        assertEquals(new Identity("Alice", false), ((Users.Admitted) admission).identity());
    }

    @Test
    void theContainersPrincipalWinsOverTheName() {
        Users.Admission admission = cut.identify(new Handshake("carol", "mallory", null, null, "h"));
        assertEquals(new Identity("carol", true), ((Users.Admitted) admission).identity());
    }

    @Test
    void badNamesAreRefusedWith4002() {
        for (String name : new String[] {null, "", "bad name", "x".repeat(33), "é"}) {
            Users.Refused refused = (Users.Refused) cut.identify(new Handshake(null, name, null, null, "h"));
            assertEquals(ErrorCode.NAME_INVALID, refused.code());
            assertEquals(4002, refused.closing().getCode());
        }
    }

    @Test
    void guestsCanBeTurnedOff() throws InterruptedException {
        try (ChatFixture closed = new ChatFixture(Map.of("parley.guests", "false"))) {
            Users.Refused refused = (Users.Refused) closed.users.identify(new Handshake(null, "bob", null, null, "h"));
            assertEquals(4001, refused.closing().getCode());
            assertInstanceOf(Users.Admitted.class, closed.users.identify(new Handshake("bob", null, null, null, "h")));
        }
    }

    @Test
    void aHeldGuestNameIsRefusedWithoutTheResumeToken() {
        Connection first = chat.guest("alice", new RecordingSink());
        Connection second = chat.connection(new Identity("ALICE", false), new RecordingSink());

        Users.Refused refused = cut.register(second, "wrong");

        assertEquals(ErrorCode.NAME_TAKEN, refused.code());
        assertEquals(4003, refused.closing().getCode());
        assertTrue(first.isOpen());
    }

    @Test
    void theResumeTokenTakesTheNameOverAndClosesTheOldConnectionWith4011() {
        RecordingSink oldSink = new RecordingSink();
        Connection first = chat.guest("alice", oldSink);
        Connection second = chat.connection(new Identity("alice", false), new RecordingSink());

        assertNull(cut.register(second, first.resumeToken()));

        assertEquals(4011, oldSink.closeCode());
        assertNotNull(second.resumeToken());
        assertNotEquals(first.resumeToken(), second.resumeToken());
        cut.release(first);
        assertEquals(1, cut.connectionCount(), "releasing the replaced connection keeps the new one");
    }

    @Test
    void theEndOfALoginSessionClosesItsConnectionsWith4001AndNoOthers() {
        RecordingSink loggedOutSink = new RecordingSink();
        RecordingSink otherSink = new RecordingSink();
        Connection loggedOut = chat.connection(new Identity("carol", true), loggedOutSink);
        Connection other = chat.connection(new Identity("carol", true), otherSink);
        assertNull(cut.register(loggedOut, null));
        assertNull(cut.register(other, null));
        cut.bindLoginSession("session-1", loggedOut);
        cut.bindLoginSession("session-2", other);

        java.util.concurrent.CompletableFuture<Void> ended = cut.loginEnded("session-1");

        assertEquals("unauthorized", loggedOutSink.next("error").getString("code"));
        assertEquals(4001, loggedOutSink.closeCode());
        assertFalse(ended.isDone(), "ended before the container said the session is gone");
        loggedOut.closed();
        assertTrue(ended.isDone());
        assertTrue(other.isOpen());
        cut.unbindLoginSession("session-2", other);
        cut.loginEnded("session-2");
        assertTrue(other.isOpen(), "an unbound connection is not closed by its former session's end");
    }

    @Test
    void anAuthenticatedUserMayHaveManyConnectionsAndDisplacesAGuest() {
        RecordingSink guestSink = new RecordingSink();
        chat.guest("carol", guestSink);
        Connection tab1 = chat.connection(new Identity("carol", true), new RecordingSink());
        Connection tab2 = chat.connection(new Identity("carol", true), new RecordingSink());

        assertNull(cut.register(tab1, null));
        assertNull(cut.register(tab2, null));

        assertEquals("name_taken", guestSink.next("error").getString("code"));
        assertEquals(4003, guestSink.closeCode());
        assertEquals(1, cut.userCount());
        Connection guestAgain = chat.connection(new Identity("carol", false), new RecordingSink());
        assertEquals(ErrorCode.NAME_TAKEN, cut.register(guestAgain, null).code());
    }

    @Test
    void aWhisperReachesTheRecipientAndEchoesToTheSender() {
        RecordingSink aliceSink = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        Connection alice = chat.guest("alice", aliceSink);
        chat.guest("bob", bobSink);

        cut.whisper(alice, new Command.Whisper("BOB", "psst", "w1"));

        JsonObject received = bobSink.next("whisper");
        assertEquals("alice", received.getString("from"));
        assertEquals("bob", received.getString("to"));
        assertFalse(received.containsKey("ref"));
        JsonObject echo = aliceSink.next("whisper");
        assertEquals("w1", echo.getString("ref"));
        assertEquals(received.getString("at"), echo.getString("at"));
    }

    @Test
    void aWhisperToSomeoneOfflineIsUserUnknown() {
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = chat.guest("alice", aliceSink);

        cut.whisper(alice, new Command.Whisper("nobody", "psst", null));

        JsonObject error = aliceSink.next("error");
        assertEquals("user_unknown", error.getString("code"));
        assertEquals("whisper", error.getString("for"));
        assertEquals("nobody", error.getString("to"));
    }

    @Test
    void aGuestCannotTakeTheNameOfAnAccountThatIsOffline() {
        Connection admin = chat.connection(new Identity("ops", true), new RecordingSink());
        assertNull(cut.register(admin, null));
        cut.release(admin);
        assertEquals(0, cut.userCount(), "the account is offline");

        Connection impostor = chat.connection(new Identity("OPS", false), new RecordingSink());
        Users.Refused refused = cut.register(impostor, null);

        assertEquals(ErrorCode.NAME_TAKEN, refused.code());
        assertEquals(4003, refused.closing().getCode());
        assertTrue(refused.message().contains("registered user"), refused.message());
        assertEquals(0, cut.userCount());
    }

    @Test
    void theAccountsThatLoggedInBeforeARestartAndTheReservedNamesAreNoGuestsNames() throws InterruptedException {
        Connection admin = chat.connection(new Identity("Ops", true), new RecordingSink());
        assertNull(cut.register(admin, null));
        assertEquals(java.util.Set.of("ops"), chat.accounts.stored, "the first login is kept");

        try (ChatFixture restarted = new ChatFixture(Map.of("parley.reserved-names", "Root, staff"), chat.accounts)) {
            for (String name : new String[] {"ops", "root", "STAFF"}) {
                Connection guest = restarted.connection(new Identity(name, false), new RecordingSink());
                assertEquals(
                        ErrorCode.NAME_TAKEN,
                        restarted.users.register(guest, null).code(),
                        name);
            }
            assertNull(restarted.users.register(
                    restarted.connection(new Identity("visitor", false), new RecordingSink()), null));
        }
    }

    @Test
    void aGuestAndAnAccountOfOneNameAreDifferentUsers() {
        Connection guest = chat.guest("bob", new RecordingSink());
        assertEquals("g:bob", guest.userKey());
        assertEquals("g:bob", cut.keyOf("Bob"), "an unreserved name means its guest");
        chat.moderation.banUser(cut.keyOf("bob"), Moderation.PERMANENT);

        Connection account = chat.connection(new Identity("Bob", true), new RecordingSink());

        assertEquals("a:bob", account.userKey());
        assertFalse(chat.moderation.banned(account.userKey(), null), "banning the guest bob bans no account");
        assertTrue(chat.moderation.banned(Identity.guestKey("BOB"), null));
        assertNull(cut.register(account, null));
        assertEquals("a:bob", cut.keyOf("bob"), "once an account has logged in, the name means the account");
        assertEquals("g:bob", cut.keyOf("g:BOB"), "a key means itself");
    }

    @Test
    void aWhisperToAReservedNameGoesToTheAccount() {
        RecordingSink accountSink = new RecordingSink();
        RecordingSink senderSink = new RecordingSink();
        Connection account = chat.connection(new Identity("carol", true), accountSink);
        assertNull(cut.register(account, null));
        Connection sender = chat.guest("dave", senderSink);

        cut.whisper(sender, new Command.Whisper("Carol", "psst", null));

        assertEquals("psst", accountSink.next("whisper").getString("text"));
    }
}

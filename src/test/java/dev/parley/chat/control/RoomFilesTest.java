package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.FileSettings;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.Receipt;
import dev.parley.testing.EventDouble;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Files on the way through Rooms: judged at the post, checked by the archive, released with the message. */
class RoomFilesTest {

    static final String SHOT = "Zk3q9Vx0Qm7c4b8wT2s1Yg";
    static final String LOG = "q2V0aW5nLWZpbGUtaWQtMA";

    ChatFixture chat = new ChatFixture(Map.of());
    Rooms cut = chat.rooms;
    List<MessagePosted> posted = new CopyOnWriteArrayList<>();

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink carolSink = new RecordingSink();
    Connection alice = chat.keeper("alice", aliceSink);
    Connection carol = chat.guest("carol", carolSink);

    @BeforeEach
    void inLobby() {
        // the archive's answer for files: its own check (MessageStoreJpaTest) says which are the sender's
        chat.posting.messagePosted = new EventDouble<>(post -> {
            posted.add(post);
            if (post.files() != null && post.files().contains(LOG)) {
                cut.onPostsSettled(new PostsSettled(List.of(new PostsSettled.Settled(
                        post.id(), new Receipt.Invalid("there is no upload " + LOG + " of yours")))));
                return;
            }
            chat.archive.onMessagePosted(post);
        });
        cut.join(alice, new Command.Join("lobby"));
        cut.join(carol, new Command.Join("lobby"));
        List.of(aliceSink, carolSink).forEach(RecordingSink::drain);
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aMessageOfFilesAloneMayHaveNoTextAndTheArchiveGetsTheirIds() {
        cut.post(alice, new Command.Say("lobby", "", "r1", List.of(SHOT)));

        assertEquals(List.of(SHOT), posted.get(0).files());
        assertEquals("message", besidesReceipts(carolSink).getString("type"));
    }

    @Test
    void aGuestSharesNoFiles() {
        cut.post(carol, new Command.Say("lobby", "look", "r1", List.of(SHOT)));

        assertError(besidesReceipts(carolSink), "unauthorized");
        assertEquals(List.of(), posted, "nothing reached the archive");
    }

    @Test
    void aMessageCarriesAtMostTheBoundOfDistinctWellFormedIds() {
        cut.fileRules = new FileSettings(1, 1, 1, 1, 1, 1, 1, 1, Duration.ZERO, Duration.ZERO, false, "");

        cut.post(alice, new Command.Say("lobby", "two", "r1", List.of(SHOT, LOG)));
        assertError(besidesReceipts(aliceSink), "limit_exceeded");
        cut.fileRules = FileSettings.from(dev.parley.settings.Settings.of(Map.of()));
        cut.post(alice, new Command.Say("lobby", "twice", "r2", List.of(SHOT, SHOT)));
        assertError(besidesReceipts(aliceSink), "bad_request");
        cut.post(alice, new Command.Say("lobby", "not an id", "r3", List.of("../etc/passwd")));
        assertError(besidesReceipts(aliceSink), "bad_request");
        cut.post(alice, new Command.Say("lobby", " ", "r4"));
        assertError(besidesReceipts(aliceSink), "text_invalid");

        assertEquals(List.of(), posted, "nothing reached the archive");
    }

    @Test
    void anUploadTheArchiveRefusesIsABadRequestForItsRefAndNothingReachesTheRoom() {
        cut.post(alice, new Command.Say("lobby", "mine?", "r1", List.of(LOG)));

        JsonObject error = besidesReceipts(aliceSink);
        assertError(error, "bad_request");
        assertEquals("r1", error.getString("ref"));
        cut.post(alice, new Command.Say("lobby", "after", "r2"));
        assertEquals("after", besidesReceipts(carolSink).getString("text"), "the refused one never came");
    }

    /** The next frame but the {@code receipts} a keeper's join is sent from the memberships' thread, at any time. */
    private static JsonObject besidesReceipts(RecordingSink sink) {
        JsonObject frame = sink.next();
        return frame.getString("type").equals("receipts") ? sink.next() : frame;
    }

    private static void assertError(JsonObject frame, String code) {
        assertEquals("error", frame.getString("type"), frame.toString());
        assertEquals(code, frame.getString("code"), frame.toString());
    }
}

package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.MentionSettings;
import dev.parley.chat.entity.Mentions;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.testing.EventDouble;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mentions on the way through Rooms: judged at the post for the archive, told at the release to the room. */
class RoomMentionsTest {

    ChatFixture chat = new ChatFixture(Map.of());
    Rooms cut = chat.rooms;
    List<MessagePosted> posted = new CopyOnWriteArrayList<>();

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink bobSink = new RecordingSink();
    RecordingSink bobsOtherSink = new RecordingSink();
    RecordingSink carolSink = new RecordingSink();
    RecordingSink daveSink = new RecordingSink();
    Connection alice = chat.keeper("alice", aliceSink);
    Connection bob = chat.keeper("Bob", bobSink);
    Connection bobsOther = chat.keeper("Bob", bobsOtherSink);
    Connection carol = chat.guest("carol", carolSink);
    Connection dave = chat.guest("dave", daveSink);

    @BeforeEach
    void inLobby() {
        chat.posting.messagePosted = new EventDouble<>(post -> {
            posted.add(post);
            chat.archive.onMessagePosted(post);
        });
        for (Connection each : List.of(alice, bob, bobsOther, carol)) {
            cut.join(each, new Command.Join("lobby"));
        }
        cut.join(dave, new Command.Join("elsewhere"));
        List.of(aliceSink, bobSink, bobsOtherSink, carolSink, daveSink).forEach(RecordingSink::drain);
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void everyConnectionOfAMentionedMemberGetsOneMentionAfterTheMessageNeverTheSenderNorSomeoneElsewhere() {
        cut.post(alice, new Command.Say("lobby", "@bob @BOB @dave @alice look", "r1"));

        for (RecordingSink each : List.of(bobSink, bobsOtherSink)) {
            List<JsonObject> frames = each.drain().stream()
                    .filter(frame -> !frame.getString("type").equals("receipts"))
                    .toList();
            assertEquals(List.of("message", "mention"), types(frames));
            JsonObject mention = frames.get(1);
            assertEquals("lobby", mention.getString("room"));
            assertEquals(
                    frames.get(0).getJsonNumber("seq").longValue(),
                    mention.getJsonNumber("seq").longValue());
            assertEquals("alice", mention.getString("from"));
        }
        assertEquals(List.of("message"), types(aliceSink.drain()), "the sender mentioning itself: nothing");
        assertEquals(List.of("message"), types(carolSink.drain()));
        assertEquals(List.of(), daveSink.drain(), "dave is not in the room: nothing");
        assertEquals(
                new Mentions(Set.of("bob", "dave", "alice"), false),
                posted.get(0).mentions());
    }

    @Test
    void roomMentionsEveryMemberButTheSenderGuestsToo() {
        cut.post(carol, new Command.Say("lobby", "@room lunch?", null));

        for (RecordingSink each : List.of(aliceSink, bobSink, bobsOtherSink)) {
            assertEquals(List.of("message", "mention"), types(each.drain()));
        }
        assertEquals(List.of("message"), types(carolSink.drain()));
        assertTrue(posted.get(0).mentions().everyone());
    }

    @Test
    void roomInARoomOfMoreMembersThanTheBoundNotifiesNoOneButNamesStill() {
        cut.mentionRules = new MentionSettings(20, 2);

        cut.post(carol, new Command.Say("lobby", "@room and @alice", null));

        assertEquals(List.of("message", "mention"), types(aliceSink.drain()));
        assertEquals(List.of("message"), types(bobSink.drain()), "3 members > 2: @room is no mention");
        assertEquals(new Mentions(Set.of("alice"), false), posted.get(0).mentions());
    }

    @Test
    void aMessageMentionsAtMostTheBoundOfNamesTheFirstOnes() {
        cut.mentionRules = new MentionSettings(1, 50);

        cut.post(carol, new Command.Say("lobby", "@alice @bob", null));

        assertEquals(List.of("message", "mention"), types(aliceSink.drain()));
        assertEquals(List.of("message"), types(bobSink.drain()));
    }

    /** The frames' types, but the keepers' {@code receipts} that their joins' membership work sends when it runs. */
    private static List<String> types(List<JsonObject> frames) {
        return frames.stream()
                .map(frame -> frame.getString("type"))
                .filter(type -> !type.equals("receipts"))
                .toList();
    }
}

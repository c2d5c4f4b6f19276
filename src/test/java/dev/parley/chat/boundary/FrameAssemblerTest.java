package dev.parley.chat.boundary;

import static dev.parley.chat.boundary.FrameAssembler.Outcome.COMPLETE;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.DISCARDED;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.INCOMPLETE;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.TOO_BIG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest {

    FrameAssembler cut = new FrameAssembler(10);

    @Test
    void partsMakeOneFrameAndTheNextStartsEmpty() {
        assertEquals(INCOMPLETE, cut.add("{\"a\":", false));
        assertEquals(COMPLETE, cut.add("1}", true));
        assertEquals("{\"a\":1}", cut.take());
        assertEquals(COMPLETE, cut.add("{}", true));
        assertEquals("{}", cut.take());
    }

    @Test
    void theFrameIsTooBigAsSoonAsItsRunningTotalPassesTheLimit() {
        assertEquals(INCOMPLETE, cut.add("123456", false));
        assertEquals(TOO_BIG, cut.add("12345", false));
        assertEquals(DISCARDED, cut.add("1".repeat(1000), false));
        assertEquals(DISCARDED, cut.add("1", true));
        assertEquals(COMPLETE, cut.add("1234567890", true), "the next frame starts from zero");
    }

    @Test
    void bytesNotCharsAreCounted() {
        String emoji = new String(Character.toChars(0x1F600));
        assertEquals(8, FrameAssembler.utf8Length(emoji + emoji));
        assertEquals(6, FrameAssembler.utf8Length("\u00e9\u20ac\u0041"));
        assertEquals(INCOMPLETE, cut.add(emoji + emoji, false));
        assertEquals(TOO_BIG, cut.add("\u20ac", true));
    }

    @Test
    void aFrameOfExactlyTheLimitIsCompleteAndOneByteMoreIsTooBigForEveryMultibyteKind() {
        for (String multibyte : new String[] {"a", "\u00e9", "\u20ac", "\uD83D\uDE00"}) {
            int size = multibyte.getBytes(StandardCharsets.UTF_8).length;
            FrameAssembler assembler = new FrameAssembler(4 * size);
            assertEquals(COMPLETE, assembler.add(multibyte.repeat(4), true), multibyte);
            assembler.take();
            assertEquals(TOO_BIG, assembler.add(multibyte.repeat(4) + "a", true), multibyte);
        }
    }

    @Test
    void utf8LengthMatchesTheJdkForWellFormedText() {
        for (String s : new String[] {
            "",
            "ascii",
            "\u00e9",
            "\u07FF",
            "\u0800",
            "\u20ac",
            "\uFFFF",
            "\uD83D\uDE00",
            "mixed \u00e9 \u20ac \uD83D\uDE00 end"
        }) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, FrameAssembler.utf8Length(s), s);
        }
    }
}

package dev.parley.chat.boundary;

import static dev.parley.chat.boundary.FrameAssembler.Outcome.COMPLETE;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.DISCARDED;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.INCOMPLETE;
import static dev.parley.chat.boundary.FrameAssembler.Outcome.TOO_BIG;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}

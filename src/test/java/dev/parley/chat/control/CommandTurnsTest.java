package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CommandTurnsTest {

    CommandTurns cut = new CommandTurns();
    List<String> ran = new ArrayList<>();

    /**
     * Every command pauses and is answered at once on the same thread (as a {@code history} refused because too
     * many queries wait): the waiting ones still run in order, and the stack does not grow with each of them.
     */
    @Test
    void commandsAnsweredAtOnceRunInOrderWithoutDeepeningTheStack() {
        int count = 200_000;
        Consumer<Command> answeredAtOnce = new Consumer<>() {
            @Override
            public void accept(Command command) {
                ran.add(((Command.Leave) command).room());
                cut.pause();
                cut.resume(this);
            }
        };
        cut.pause();
        for (int i = 0; i < count; i++) {
            assertTrue(cut.mustWait(new Command.Leave("r" + i)));
        }

        cut.resume(answeredAtOnce);

        assertEquals(count, ran.size());
        assertEquals("r0", ran.get(0));
        assertEquals("r" + (count - 1), ran.get(count - 1));
        assertFalse(cut.mustWait(new Command.Leave("after")), "nothing runs or waits any more");
    }

    /** A command that pauses and is not answered yet stops the loop; its answer goes on from the next one. */
    @Test
    void aCommandThatFinishesLaterStopsTheTurnsUntilItsAnswer() {
        Consumer<Command> later = command -> {
            ran.add(((Command.Leave) command).room());
            if (command.equals(new Command.Leave("slow"))) {
                cut.pause();
            }
        };
        cut.pause();
        cut.mustWait(new Command.Leave("slow"));
        cut.mustWait(new Command.Leave("next"));

        cut.resume(later);
        assertEquals(List.of("slow"), ran);
        assertTrue(cut.mustWait(new Command.Leave("third")), "waits behind the unanswered one");

        cut.resume(later);
        assertEquals(List.of("slow", "next", "third"), ran);
    }
}

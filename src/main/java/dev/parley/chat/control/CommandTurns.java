package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * One connection's commands in the order it sent them, when one of them finishes on another thread: from
 * {@link #pause} until {@link #resume} the commands that arrive wait; resume runs them in order on the resuming
 * thread, and stops where one of them pauses again.
 */
final class CommandTurns {

    private final Queue<Command> waiting = new ArrayDeque<>();
    private boolean paused;
    private boolean resuming;

    /** Whether the command must wait its turn; if so it is kept and run by {@link #resume}. */
    synchronized boolean mustWait(Command command) {
        if (!paused && !resuming) {
            return false;
        }
        waiting.add(command);
        return true;
    }

    synchronized void pause() {
        paused = true;
    }

    void resume(Consumer<Command> run) {
        synchronized (this) {
            paused = false;
            resuming = true;
        }
        while (true) {
            Command next;
            synchronized (this) {
                next = paused ? null : waiting.poll();
                if (next == null) {
                    resuming = false;
                    return;
                }
            }
            run.accept(next);
        }
    }
}

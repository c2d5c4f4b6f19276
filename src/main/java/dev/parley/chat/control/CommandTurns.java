package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's commands in the order it sent them, when one of them finishes on another thread: from
 * {@link #pause} until {@link #resume} the commands that arrive wait; resume runs them in order on the resuming
 * thread, and stops where one of them pauses again.
 */
final class CommandTurns {

    /** Made when a command first has to wait: most connections never have one (~100 B each). */
    private Deque<Command> waiting;

    private boolean paused;
    private boolean resuming;

    /** Whether the command must wait its turn; if so it is kept and run by {@link #resume}. */
    synchronized boolean mustWait(Command command) {
        if (!paused && !resuming) {
            return false;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        waiting.add(command);
        return true;
    }

    /** Puts commands before every waiting one, in their order: the next {@link #resume} runs them first. */
    synchronized void putFirst(List<Command> commands) {
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        for (int i = commands.size() - 1; i >= 0; i--) {
            waiting.addFirst(commands.get(i));
        }
    }

    synchronized void pause() {
        paused = true;
    }

    /**
     * Runs the waiting commands in order until one pauses again. A resume while another runs (a command it ran was
     * answered at once, e.g. a {@code history} refused because too many wait for the database, or finished on another
     * thread before that loop saw it pause) only lets that loop go on: one loop runs a connection's commands, and the
     * stack does not grow by a command's depth (through the EJB proxy, ~80 frames on WildFly) with each one answered
     * at once, which overflowed it in the hostile benchmark.
     */
    void resume(Consumer<Command> run) {
        synchronized (this) {
            paused = false;
            if (resuming) {
                return;
            }
            resuming = true;
        }
        while (true) {
            Command next;
            synchronized (this) {
                next = paused || waiting == null ? null : waiting.poll();
                if (next == null) {
                    resuming = false;
                    return;
                }
            }
            run.accept(next);
        }
    }
}

package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers {@code history} queries off the container's threads: each page is read from the archive on one of a few
 * threads of Parley's own ({@code parley.history.threads}, with at most {@code parley.history.max-queued} waiting),
 * so no container thread waits for the database, and the archive's other work (posting, joins) keeps the rest of the
 * pool. A query that cannot start, or finish, within {@code parley.history.timeout-ms} of its arrival is refused.
 *
 * <p>The connection's later commands wait for the answer ({@link Connection#finishesLater}), so they keep their
 * order and each connection has at most one query here. A reply is at most {@link HistoryLimits#replyBound} chars:
 * a page that would be larger holds fewer messages, with {@code more}.
 *
 * <p>The replies one client address is sent, all its connections together, come out of a budget of chars
 * ({@code parley.history.chars-per-address-*}): a query reserves the largest reply before it is read and gives back
 * what the reply did not use, so the address is charged what it was sent, and its queries in flight at once can
 * never take much more than the budget. A query while the budget is spent is refused with {@code rate_limited}, a
 * refusal for rate like any other (it counts towards the 4029).
 */
@ApplicationScoped
public class HistoryReads {

    private static final Logger LOG = Logger.getLogger(HistoryReads.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private HistoryLimits limits;
    private long replyBound;
    /** The chars of replies each address was sent lately (and reserved for those being read). */
    private RateLimiters charsByAddress;

    private ThreadPoolExecutor readers;
    /** Its own timer: a deadline cancelled by a timely answer leaves its queue at once, not when it would be due. */
    private ScheduledThreadPoolExecutor deadlines;

    @PostConstruct
    void start() {
        Settings settings = Settings.fromEnvironment();
        start(HistoryLimits.from(settings), ChatLimits.from(settings).outboxMaxBytes(), threads);
    }

    /** Created with the application, so that a setting that had to be lowered is logged at start. */
    void startEarly(@Observes @Initialized(ApplicationScoped.class) Object started) {}

    void start(HistoryLimits limits, long outboxMaxBytes, ThreadFactory threadFactory) {
        this.limits = limits;
        replyBound = limits.replyBound(outboxMaxBytes);
        charsByAddress =
                new RateLimiters(limits.charsPerAddressPerSecond(), limits.charsPerAddressBurst(), System::nanoTime);
        if (replyBound < limits.maxReplyBytes()) {
            LOG.warning("parley.history.max-reply-bytes=" + limits.maxReplyBytes()
                    + " is more than half of parley.outbox.max-bytes=" + outboxMaxBytes + "; history replies are "
                    + replyBound + " chars at most");
        }
        AtomicInteger count = new AtomicInteger();
        readers = new ThreadPoolExecutor(
                limits.threads(),
                limits.threads(),
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, limits.maxQueued())),
                runnable -> {
                    Thread thread = threadFactory.newThread(runnable);
                    thread.setName("parley-history-" + count.incrementAndGet());
                    return thread;
                });
        deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = threadFactory.newThread(runnable);
            thread.setName("parley-history-deadlines");
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * Lets running reads end by themselves (each is bounded by the store's statement timeout): an interrupt inside
     * the embedded H2's file I/O closes the database under everyone else.
     */
    @PreDestroy
    void stop() {
        readers.shutdown();
        deadlines.shutdownNow();
    }

    /**
     * Reads the page with {@code read} on a history thread and sends it to the connection, or refuses the query;
     * returns at once, and the connection's later commands wait for the answer.
     */
    public void answer(Connection connection, Command.History query, Supplier<Event.History> read) {
        String address = connection.address();
        if (address != null && !charsByAddress.tryTake(address, replyBound)) {
            connection.refuseOverRate(
                    query,
                    "your address was sent more than " + limits.charsPerAddressPerSecond()
                            + " chars of history a second; retry later");
            return;
        }
        connection.finishesLater();
        Answer answer = new Answer(connection, query, read, address, address == null ? 0 : replyBound);
        try {
            answer.deadline = deadlines.schedule(answer::late, limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            readers.execute(answer);
        } catch (RejectedExecutionException refused) {
            if (readers.isShutdown() || deadlines.isShutdown()) {
                answer.refuse(ErrorCode.INTERNAL, "the server is shutting down");
            } else {
                answer.refuse(
                        ErrorCode.RATE_LIMITED, "too many history queries are waiting for the database; retry shortly");
            }
        }
    }

    /** One query: answered exactly once, by its read, its deadline or a refusal, whichever comes first. */
    private final class Answer implements Runnable {

        private final Connection connection;
        private final Command.History query;
        private final Supplier<Event.History> read;
        private final String address;
        /** The chars taken from the address's budget for this reply: what the reply does not use is given back. */
        private final long reserved;

        private final AtomicBoolean answered = new AtomicBoolean();
        volatile ScheduledFuture<?> deadline;

        Answer(
                Connection connection,
                Command.History query,
                Supplier<Event.History> read,
                String address,
                long reserved) {
            this.connection = connection;
            this.address = address;
            this.query = query;
            this.read = read;
            this.reserved = reserved;
        }

        @Override
        public void run() {
            if (answered.get()) {
                return; // its deadline passed while it waited for a thread
            }
            if (connection.ended().isDone()) {
                finish(null); // nobody to answer: spare the database
                return;
            }
            String frame;
            try {
                frame = fitted(read.get(), query.before() != null, replyBound);
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "history of " + query.room() + " for " + connection + " failed", failed);
                refuse(ErrorCode.INTERNAL, "the history could not be read; retry");
                return;
            }
            finish(frame);
        }

        void late() {
            if (answered.get()) {
                return;
            }
            readers.remove(this);
            refuse(ErrorCode.INTERNAL, "the history could not be read in time; retry");
        }

        void refuse(ErrorCode code, String message) {
            if (answered.compareAndSet(false, true)) {
                connection.refuse(query, code, message);
                done(0);
            }
        }

        private void finish(String frame) {
            if (answered.compareAndSet(false, true)) {
                if (frame != null) {
                    connection.sendEncoded(frame);
                }
                done(frame == null ? 0 : frame.length());
            }
        }

        /** Charges the address what was sent ({@code sent} chars) and lets the connection's next command run. */
        private void done(long sent) {
            if (reserved > 0) {
                charsByAddress.giveBack(address, reserved - sent);
            }
            ScheduledFuture<?> pending = deadline;
            if (pending != null) {
                pending.cancel(false);
            }
            connection.finished();
        }
    }

    /**
     * The page as one frame of at most {@code maxChars}, or as many of its messages as fit (at least one, so paging
     * always goes on) with {@code more}: those next to the seq asked about, the newest for {@code before}, the
     * oldest for {@code after}.
     */
    static String fitted(Event.History page, boolean keepNewest, long maxChars) {
        String frame = Frames.encode(page);
        List<Event.Message> messages = page.messages();
        if (frame.length() <= maxChars || messages.size() <= 1) {
            return frame;
        }
        // an estimate from each item alone (and its comma), then checked on the frame itself
        long size =
                Frames.encode(new Event.History(page.room(), List.of(), true)).length();
        int kept = 0;
        while (kept < messages.size()) {
            Event.Message next = messages.get(keepNewest ? messages.size() - 1 - kept : kept);
            size += Frames.encode(next).length() + 1;
            if (size > maxChars) {
                break;
            }
            kept++;
        }
        for (kept = Math.max(1, kept); ; kept--) {
            List<Event.Message> shown =
                    keepNewest ? messages.subList(messages.size() - kept, messages.size()) : messages.subList(0, kept);
            frame = Frames.encode(new Event.History(page.room(), List.copyOf(shown), true));
            if (frame.length() <= maxChars || kept == 1) {
                return frame;
            }
        }
    }
}

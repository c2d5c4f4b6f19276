package dev.parley.chat.control;

import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users and Rooms wired as the container wires them, with the archive double and plain executors; broadcasts start
 * their sends on the posting thread, so a test sees every frame once the call returns.
 */
public class ChatFixture implements AutoCloseable {

    public final ChatLimits limits;
    public final ArchiveDouble archive = new ArchiveDouble();
    public final Users users = new Users();
    public final Rooms rooms = new Rooms();
    public final Metrics metrics = new Metrics();
    public final Moderation moderation = new Moderation();
    public final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    public final ExecutorService closer = Executors.newSingleThreadExecutor();
    public final ConnectionGate gate = new ConnectionGate();
    public final Liveness liveness = new Liveness();
    private final AtomicInteger ids = new AtomicInteger();

    public ChatFixture(Map<String, String> settings) {
        limits = ChatLimits.from(Settings.of(settings));
        users.limits = limits;
        rooms.limits = limits;
        rooms.archive = archive;
        rooms.metrics = metrics;
        rooms.writers = new FrameWriters(Runnable::run, 1);
        rooms.moderation = moderation;
        rooms.scheduler = scheduler;
        rooms.messagePosted = new Firing(archive);
        rooms.load();
        gate.limits = ConnectionLimits.from(Settings.of(settings));
        liveness.limits = gate.limits;
        liveness.scheduler = scheduler;
        liveness.executor = closer;
    }

    public ChatFixture() {
        this(Map.of());
    }

    /** A guest connection that went through the handshake's checks and was registered. */
    public Connection guest(String name, RecordingSink sink) {
        Connection connection = connection(new Identity(name, false), sink);
        Users.Refused refused = users.register(connection, null);
        if (refused != null) {
            throw new AssertionError(name + " was refused: " + refused);
        }
        return connection;
    }

    public Connection connection(Identity identity, RecordingSink sink) {
        Outbox outbox = new Outbox(sink, Runnable::run, limits.outboxMaxFrames(), limits.outboxMaxBytes());
        return new Connection("c" + ids.incrementAndGet(), identity, outbox, rooms.encoder, limits);
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        closer.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** What CDI does with a synchronous event: call the observer on the firing thread. */
    static final class Firing implements Event<MessagePosted> {
        private final ArchiveDouble archive;

        Firing(ArchiveDouble archive) {
            this.archive = archive;
        }

        @Override
        public void fire(MessagePosted event) {
            archive.onMessagePosted(event);
        }

        @Override
        public <U extends MessagePosted> CompletionStage<U> fireAsync(U event) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public <U extends MessagePosted> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            return fireAsync(event);
        }

        @Override
        public Event<MessagePosted> select(Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends MessagePosted> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends MessagePosted> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}

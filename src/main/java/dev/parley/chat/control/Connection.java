package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** One WebSocket connection of a user: its identity, the rooms it has joined, its limits and its outbox. */
public final class Connection {

    private final String id;
    private final Identity identity;
    private final Outbox outbox;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final RateLimiter posts;
    private final RateLimiter commands;
    private final Strikes strikes;
    private volatile boolean struckOut;
    private volatile Runnable whenStruckOut = () -> {};
    // copy-on-write: at most 50, joined and left rarely; ~120 B less per idle connection than a concurrent hash set
    private final Set<String> rooms = new CopyOnWriteArraySet<>();
    private volatile String resumeToken;
    private final Pulse pulse = new Pulse(System.nanoTime());
    private volatile String address;
    private final Map<String, HeldRef> heldBack = new ConcurrentHashMap<>();
    private final CommandTurns turns = new CommandTurns();
    private volatile boolean keepsRooms;
    private volatile boolean receiptsOn;
    private volatile Consumer<Command> runner = command -> {
        throw new IllegalStateException("no command runner set");
    };

    /** A post refused because the store was full: later posts to its room wait for its resend until {@code until}. */
    private record HeldRef(String ref, long until) {}

    public Connection(String id, Identity identity, Outbox outbox, ChatLimits limits) {
        this.id = id;
        this.identity = identity;
        this.outbox = outbox;
        outbox.whenPingSent(() -> pulse.pingSent(System.nanoTime()));
        this.posts = new RateLimiter(limits.sayPerSecond(), limits.sayBurst());
        this.commands = new RateLimiter(limits.commandsPerSecond(), limits.commandsBurst());
        this.strikes = new Strikes(limits.strikesBeforeClose(), limits.strikeWindow(), System::nanoTime);
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    public String user() {
        return identity.name();
    }

    public String userKey() {
        return identity.key();
    }

    public Set<String> rooms() {
        return rooms;
    }

    /** The client's IP address as the server saw it at the handshake, or null where it could not be captured. */
    public String address() {
        return address;
    }

    public void address(String address) {
        this.address = address;
    }

    public String resumeToken() {
        return resumeToken;
    }

    void resumeToken(String token) {
        this.resumeToken = token;
    }

    /** What runs this connection's commands (the endpoint's dispatch); {@link #run} hands them to it in turn. */
    public void runsCommandsWith(Consumer<Command> runner) {
        this.runner = runner;
    }

    /**
     * Runs the command now, or, while an earlier command of this connection finishes on another thread (a join
     * whose room is being read from the archive), keeps it until that one is done, so that the connection's
     * commands take effect in the order it sent them. What waits is bounded by the command rate limits.
     */
    public void run(Command command) {
        if (turns.mustWait(command)) {
            return;
        }
        runner.accept(command);
    }

    /** The command running now finishes later, on another thread: the commands after it wait for {@link #finished}. */
    void finishesLater() {
        turns.pause();
    }

    /**
     * Commands the server runs for this connection before any it sent that waits (the joins of its kept rooms); call
     * between {@link #finishesLater} and {@link #finished}.
     */
    void runFirst(List<Command> commands) {
        turns.putFirst(commands);
    }

    /** Whether the server keeps this connection's user's rooms and read markers (membership, logged-in users). */
    public boolean keepsRooms() {
        return keepsRooms;
    }

    public void keepsRooms(boolean keepsRooms) {
        this.keepsRooms = keepsRooms;
    }

    /** Whether this connection's user sends and sees read receipts; known once its kept rooms were read. */
    boolean receiptsOn() {
        return receiptsOn;
    }

    void receiptsOn(boolean on) {
        this.receiptsOn = on;
    }

    /** Sends a frame that may be left out when this connection is behind (half its outbox taken). */
    void sendSheddable(String frame) {
        if (!outbox.halfFull()) {
            outbox.offer(frame);
        }
    }

    /** The command that {@link #finishesLater} has finished: runs the commands that waited, in order, on this thread. */
    void finished() {
        turns.resume(runner);
    }

    /** Takes a token from the bucket the command belongs to: {@code say} and {@code whisper}, or the rest. */
    public boolean withinRate(Command command) {
        return isPost(command) ? posts.tryAcquire() : commands.tryAcquire();
    }

    /** Whether the command counts against the posting rate ({@code say}, {@code whisper}) rather than the other. */
    public static boolean isPost(Command command) {
        return command instanceof Command.Say || command instanceof Command.Whisper;
    }

    /**
     * The store refused this connection's post with {@code ref} in {@code room}: its later posts there are refused
     * until that ref is sent again, or until {@code until} ({@link System#nanoTime}).
     */
    void holdBack(String room, String ref, long until) {
        heldBack.put(room, new HeldRef(ref, until));
    }

    /** Whether a post with {@code ref} to {@code room} must wait for an earlier refused one; its resend ends that. */
    boolean heldBack(String room, String ref, long now) {
        HeldRef held = heldBack.get(room);
        if (held == null) {
            return false;
        }
        if (now - held.until() >= 0 || held.ref().equals(ref)) {
            heldBack.remove(room, held);
            return false;
        }
        return true;
    }

    public void send(Event event) {
        outbox.offer(Frames.encode(event));
    }

    /** Sends a frame encoded once for many recipients. */
    public void sendEncoded(String frame) {
        outbox.offer(frame);
    }

    /** Queues a frame encoded once for many recipients; {@link #flush} sends it. */
    public void enqueueEncoded(String frame) {
        outbox.enqueue(frame);
    }

    public void flush() {
        outbox.flush();
    }

    /** When this connection was last heard from; see {@link Liveness}. */
    public Pulse pulse() {
        return pulse;
    }

    /** Asks the client for a pong, in turn with the frames queued before. */
    public void ping() {
        outbox.ping();
    }

    public void refuse(Command command, ErrorCode code, String message) {
        send(Event.Error.of(code, message).about(command));
    }

    /**
     * Refuses a command over the connection's or its address's rate with {@code rate_limited}; the
     * {@code parley.rate.strikes-before-close}-th such refusal within {@code parley.rate.strike-window-s} is the
     * last: the connection is closed with 4029 after it. Each refusal is answered, so a client can resend its
     * {@code say} by ref; their number per connection is bounded by the close.
     */
    public void refuseOverRate(Command command, String message) {
        if (struckOut) {
            return;
        }
        refuse(command, ErrorCode.RATE_LIMITED, message);
        if (strikes.strike()) {
            struckOut = true;
            outbox.closeAfterFlush(
                    Closing.RATE_LIMITED.reason("kept sending over the rate; reconnect after a backoff"));
            whenStruckOut.run();
        }
    }

    /** What else a close with 4029 costs (the address's handshakes, {@link ConnectionGate#struckOut}). */
    public void whenStruckOut(Runnable action) {
        this.whenStruckOut = action;
    }

    /** Closed for its refusals over the rate ({@link #refuseOverRate}): its commands are no longer read. */
    public boolean struckOut() {
        return struckOut;
    }

    /** The refusal sequence of the protocol: one {@code error} event, then the close code. */
    public void reject(ErrorCode code, String message, Closing closing) {
        send(Event.Error.of(code, message));
        outbox.closeAfterFlush(closing.reason(code.wire()));
    }

    public void close(Closing closing, String phrase) {
        outbox.closeNow(closing.reason(phrase));
    }

    public void closeAfterFlush(Closing closing, String phrase) {
        outbox.closeAfterFlush(closing.reason(phrase));
    }

    /** The session is gone (the container's {@code @OnClose}). */
    public void closed() {
        outbox.discard();
        ended.complete(null);
    }

    /** Completes once the session is gone, e.g. after a close frame this side sent was answered. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    @Override
    public String toString() {
        return identity.name() + "#" + id;
    }
}

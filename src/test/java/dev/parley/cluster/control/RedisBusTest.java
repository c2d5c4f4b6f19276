package dev.parley.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.settings.Settings;
import dev.parley.testing.Poll;
import dev.parley.testing.RedisProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two buses, two "nodes", on one real Redis (the embedded-redis binary) with real Lettuce threads: texts cross once
 * and never come back to their sender, nothing waits or piles up while Redis is down, both nodes hear of a kill -9 and
 * of the resubscription after Redis is back, and close() leaves no thread behind. Every wait is on an event with a
 * timeout.
 */
class RedisBusTest {

    /** How long a text or a bus event may take; generous for a loaded 2-core machine. */
    static final Duration EVENT = Duration.ofSeconds(10);
    /** Redis back on its port: both buses subscribed again within this (reconnect waits are capped at 2 s). */
    static final Duration RESUBSCRIBED = Duration.ofSeconds(8);

    /** Names of threads Lettuce, Netty or Reactor make with their own factories, and of those the tests' buses make. */
    static final Pattern LIBRARY_THREAD = Pattern.compile(
            "lettuce|netty|globalEventExecutor|EventLoop|reactor|parallel-|^bus-", Pattern.CASE_INSENSITIVE);

    final List<AutoCloseable> toClose = new ArrayList<>();
    RedisProcess redis;
    Node a;
    Node b;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aTextReachesTheOtherNodeExactlyOnceAndNeverItsSender() throws Exception {
        twoNodesSubscribed();

        a.bus.publish("hello");
        assertEquals("received hello", b.next());
        // Redis runs the two PUBLISH one after the other and sends each subscriber the publications in that order:
        // had a heard its own "hello", it would come before b's "marker"; a second "hello" at b would come before a's
        b.bus.publish("marker");
        assertEquals("received marker", a.next());
        a.bus.publish("marker 2");
        assertEquals("received marker 2", b.next());
        assertEquals(List.of(), a.events.stream().toList());
        assertEquals(List.of(), b.events.stream().toList());
        // counted when Redis answers the PUBLISH, which may be after the other node has the text
        Poll.until(EVENT, () -> a.bus.published() == 2, "a counts its two texts as published");
        assertEquals(2, b.bus.received());
        assertEquals(1, a.bus.received());
    }

    @Test
    void whileRedisIsDownPublishingReturnsAtOnceAndTheTextIsDropped() throws Exception {
        twoNodesSubscribed();

        redisKilled();
        int texts = 5_000;
        atOnce(texts, i -> a.bus.publish("while down " + i));
        Poll.until(EVENT, () -> a.bus.dropped() == texts, "all " + texts + " texts counted as dropped");

        redisBack();
        a.bus.publish("after");
        // nothing published while down was kept to be sent after the reconnect
        assertEquals("received after", b.next());
        assertEquals(texts, a.bus.dropped());
    }

    @Test
    void whileRedisHangsPublishingReturnsAtOnceAndWhatPassesTheRequestQueueIsDropped() throws Exception {
        int queue = 100;
        twoNodesSubscribed(Map.of("parley.cluster.request-queue", Integer.toString(queue)));

        redis.pause();
        int texts = 5_000;
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < texts; i++) {
                a.bus.publish("while hung " + i);
            }
        });
        // a hung Redis drops no connection: at most the queue waits for it, the rest is refused at once
        Poll.until(EVENT, a.bus::dropped, dropped -> dropped >= texts - queue, dropped -> "dropped " + dropped);
        assertTrue(a.bus.up(), "a connection that hangs is not lost");

        redis.resume();
        Poll.until(
                EVENT,
                () -> a.bus.published() + a.bus.dropped(),
                answered -> answered == texts,
                answered -> "published " + a.bus.published() + ", dropped " + a.bus.dropped());
        long queued = a.bus.published();
        assertTrue(queued <= queue, "published " + queued);
        // counted before "after": its own count may come after b has received it
        a.bus.publish("after");
        List<String> arrived = new ArrayList<>();
        for (String event = b.next(); !event.equals("received after"); event = b.next()) {
            arrived.add(event);
        }
        assertEquals(queued, arrived.size(), () -> "the queued texts come late, each once: " + arrived);
    }

    @Test
    void afterRedisIsKilledAndRestartedOnItsPortBothNodesAreToldAndTextsFlowAgain() throws Exception {
        twoNodesSubscribed();
        a.bus.publish("before");
        assertEquals("received before", b.next());

        redis.kill();
        a.awaitLost();
        b.awaitLost();
        assertTrue(!a.bus.up() && !b.bus.up(), "buses say they are down");

        redis.start();
        a.awaitSubscribed(RESUBSCRIBED);
        b.awaitSubscribed(RESUBSCRIBED);
        assertTrue(a.bus.up() && b.bus.up(), "buses say they are up");
        a.bus.publish("from a");
        b.bus.publish("from b");
        assertEquals("received from a", b.next());
        assertEquals("received from b", a.next());

        // and a second time: Lettuce resubscribes after every reconnect, not only the first
        redis.kill();
        a.awaitLost();
        b.awaitLost();
        redis.start();
        a.awaitSubscribed(RESUBSCRIBED);
        b.awaitSubscribed(RESUBSCRIBED);
        b.bus.publish("again");
        assertEquals("received again", a.next());
    }

    @Test
    void aBusStartedWhileRedisIsDownSubscribesOnceRedisRuns() throws Exception {
        redis = RedisProcess.onFreePort();
        toClose.add(redis);
        a = node("a");
        b = node("b");
        a.bus.publish("too early");
        assertEquals(1, a.bus.dropped());
        assertTrue(!a.bus.up(), "no Redis, no subscription");

        redis.start();
        a.awaitSubscribed(RESUBSCRIBED);
        b.awaitSubscribed(RESUBSCRIBED);
        // the publishing connection of a may still be on its way: a text a drops meanwhile is counted, not sent
        Poll.until(
                EVENT,
                () -> {
                    a.bus.publish("early bird");
                    return a.bus.published() > 0;
                },
                "a published a text");
        assertEquals("received early bird", b.next());
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        twoNodesSubscribed();
        a.bus.publish("one");
        b.bus.publish("two");
        assertEquals("received one", b.next());
        assertEquals("received two", a.next());
        assertTrue(a.threadsMade.get() > 0, "the bus made its threads with the factory it was given");

        a.bus.close();

        assertEquals(Set.of(), threadsNamed("bus-a-"), "threads of the closed bus still alive");
        assertTrue(a.events.isEmpty(), "no lost() after close: " + a.events);
        assertTrue(!a.bus.up());
        long dropped = a.bus.dropped();
        a.bus.publish("after close");
        assertEquals(dropped + 1, a.bus.dropped());

        b.bus.close();
        // no Lettuce, Netty or Reactor thread at all, whoever made it (Netty's globalEventExecutor, which the shutdown
        // itself starts, included); other tests of this JVM may leave threads of their own (RMI, the JDK's process
        // reaper), hence by name
        assertEquals(
                Set.of(),
                threadNames().stream()
                        .filter(name -> LIBRARY_THREAD.matcher(name).find())
                        .collect(Collectors.toSet()));
    }

    @Test
    void aUserIsAMemberWhileAnyNodeHoldsItAndEveryNodeHearsTheFirstHoldAndTheLastLetGo() throws Exception {
        twoNodesSubscribed();
        // a name as a script's cjson must carry it: quotes, a slash (which cjson escapes), letters beyond ASCII
        String alice = "\u00c5lice \"A\" / \u674e";

        a.bus.hold("lobby", "g:alice", alice, true);
        // the node that held it hears it too
        assertEquals("joined lobby g:alice " + alice, a.presence());
        assertEquals("joined lobby g:alice " + alice, b.presence());
        assertEquals(Map.of("g:alice", alice), members(b, "lobby"));

        b.bus.hold("lobby", "g:alice", alice, true); // a second node: still one member
        // a's and b's scripts come on two connections: b's members() runs after b's hold, a's after a's
        assertEquals(Map.of("g:alice", alice), members(b, "lobby"));
        a.bus.hold("lobby", "g:alice", alice, true); // held already
        a.bus.hold("lobby", "g:alice", alice, false); // b still holds her
        a.bus.hold("lobby", "g:bob", "bob", false); // never held
        // members() runs after the holds sent before it on the same connection
        assertEquals(Map.of("g:alice", alice), members(a, "lobby"));
        assertEquals(Map.of("g:alice", alice), members(b, "lobby"));
        // none of that was a change: the next text each node hears is this one
        a.bus.hold("marks", "g:m", "m", true);
        assertEquals("joined marks g:m m", a.presence());
        assertEquals("joined marks g:m m", b.presence());

        b.bus.hold("lobby", "g:alice", alice, false);
        assertEquals("left lobby g:alice " + alice, a.presence());
        assertEquals("left lobby g:alice " + alice, b.presence());
        assertEquals(Map.of(), members(a, "lobby"));
        a.bus.hold("marks", "g:m", "m", false);
        assertEquals("left marks g:m m", a.presence());
        assertEquals("left marks g:m m", b.presence());
        assertEquals(0, a.bus.holdsDropped() + b.bus.holdsDropped());
    }

    @Test
    void holdOnlyMakesWhatTheNodeHoldsExactlyWhatItIsGiven() throws Exception {
        twoNodesSubscribed();
        a.bus.hold("lobby", "g:u1", "u1", true);
        a.bus.hold("lobby", "g:u2", "u2", true);
        for (Node node : List.of(a, b)) {
            assertEquals("joined lobby g:u1 u1", node.presence());
            assertEquals("joined lobby g:u2 u2", node.presence());
        }
        b.bus.hold("lobby", "g:u2", "u2", true);
        assertEquals(Map.of("g:u1", "u1", "g:u2", "u2"), members(b, "lobby")); // after b's hold

        await(a.bus.holdOnly(List.of(holding("lobby", "g:u2"), holding("lobby", "g:u3"), holding("den", "g:u1"))));
        for (Node node : List.of(a, b)) {
            // what it lets go of first, then what it takes, in the order given; u2 it kept
            assertEquals("left lobby g:u1 u1", node.presence());
            assertEquals("joined lobby g:u3 u3", node.presence());
            assertEquals("joined den g:u1 u1", node.presence());
        }
        assertEquals(Map.of("g:u2", "u2", "g:u3", "u3"), members(a, "lobby"));

        await(a.bus.holdOnly(List.of()));
        for (Node node : List.of(a, b)) {
            assertEquals(Set.of("left lobby g:u3 u3", "left den g:u1 u1"), Set.of(node.presence(), node.presence()));
        }
        // b holds u2 still
        assertEquals(Map.of("g:u2", "u2"), members(a, "lobby"));
        assertEquals(Map.of(), members(a, "den"));

        // more than Lua's stack takes (8000): no unpack of the whole set
        int many = 10_000;
        List<ClusterBus.Holding> crowd = new ArrayList<>();
        for (int i = 0; i < many; i++) {
            crowd.add(holding("crowd", "g:c" + i));
        }
        await(a.bus.holdOnly(crowd));
        assertEquals(many, members(b, "crowd").size());
        await(a.bus.holdOnly(List.of()));
        assertEquals(Map.of(), members(b, "crowd"));
        for (Node node : List.of(a, b)) {
            for (int i = 0; i < many; i++) {
                assertEquals("joined crowd g:c" + i + " c" + i, node.presence());
            }
            Set<String> left = new HashSet<>();
            for (int i = 0; i < many; i++) {
                left.add(node.presence());
            }
            assertEquals(many, left.size());
            assertTrue(left.stream().allMatch(change -> change.startsWith("left crowd g:c")), "left: " + left);
        }
    }

    @Test
    void whatANodeWhoseLeaseLapsedHeldIsLetGoOfOnceByTheOthers() throws Exception {
        twoNodesSubscribed();
        Node c = node("c");
        c.awaitSubscribed();
        Duration longLease = Duration.ofMinutes(1);
        await(b.bus.renewAndReap(longLease));
        await(c.bus.renewAndReap(longLease));

        // a has never renewed: what it holds is not taken for a dead node's
        a.bus.hold("lobby", "g:u1", "u1", true);
        assertEquals(Map.of("g:u1", "u1"), members(a, "lobby")); // after a's hold
        await(b.bus.renewAndReap(longLease));
        assertEquals(Map.of("g:u1", "u1"), members(b, "lobby"));

        await(a.bus.renewAndReap(Duration.ofMillis(300)));
        a.bus.hold("lobby", "g:u2", "u2", true);
        assertEquals(Map.of("g:u1", "u1", "g:u2", "u2"), members(a, "lobby")); // after a's hold
        b.bus.hold("lobby", "g:u2", "u2", true);
        for (Node node : List.of(a, b, c)) {
            assertEquals("joined lobby g:u1 u1", node.presence());
            assertEquals("joined lobby g:u2 u2", node.presence());
        }
        a.bus.close(); // renews no more

        // b and c reap at once, again and again until a's lease has lapsed: one of them lets go of u1, once
        Poll.until(
                EVENT,
                () -> {
                    await(b.bus.renewAndReap(longLease), c.bus.renewAndReap(longLease));
                    return members(b, "lobby");
                },
                members -> !members.containsKey("g:u1"),
                members -> "members " + members);
        assertEquals(Map.of("g:u2", "u2"), members(c, "lobby"));
        b.bus.hold("marks", "g:m", "m", true);
        for (Node node : List.of(b, c)) {
            assertEquals("left lobby g:u1 u1", node.presence());
            assertEquals("joined marks g:m m", node.presence());
        }
    }

    @Test
    void afterRedisRestartsEmptyHoldOnlyPutsPresenceBack() throws Exception {
        twoNodesSubscribed();
        Duration lease = Duration.ofMinutes(1);
        await(a.bus.renewAndReap(lease));
        await(b.bus.renewAndReap(lease));
        a.bus.hold("lobby", "g:u1", "u1", true);
        b.bus.hold("lobby", "g:u2", "u2", true);
        for (Node node : List.of(a, b)) {
            assertEquals(
                    Set.of("joined lobby g:u1 u1", "joined lobby g:u2 u2"), Set.of(node.presence(), node.presence()));
        }

        redisKilled();
        redisBack();
        assertEquals(Map.of(), members(a, "lobby"));

        // what subscribed() makes a node do; Redis lost the scripts too
        await(a.bus.holdOnly(List.of(holding("lobby", "g:u1"))));
        await(b.bus.holdOnly(List.of(holding("lobby", "g:u2"))));
        for (Node node : List.of(a, b)) {
            assertEquals(
                    Set.of("joined lobby g:u1 u1", "joined lobby g:u2 u2"), Set.of(node.presence(), node.presence()));
        }
        // a has a lease again before it renews: b takes it for alive
        await(b.bus.renewAndReap(lease));
        assertEquals(Map.of("g:u1", "u1", "g:u2", "u2"), members(b, "lobby"));
    }

    @Test
    void aScriptRedisForgotIsSentAgain() throws Exception {
        twoNodesSubscribed();
        a.bus.hold("lobby", "g:u1", "u1", true);
        assertEquals("joined lobby g:u1 u1", b.presence());
        a.bus.hold("lobby", "g:u2", "u2", true); // EVALSHA from now on
        assertEquals("joined lobby g:u2 u2", b.presence());

        assertEquals("+OK", redis.command("SCRIPT", "FLUSH"));
        a.bus.hold("lobby", "g:u3", "u3", true);
        assertEquals("joined lobby g:u3 u3", b.presence());
        assertEquals(Map.of("g:u1", "u1", "g:u2", "u2", "g:u3", "u3"), members(a, "lobby"));
        assertEquals(0, a.bus.holdsDropped());
    }

    @Test
    void whileRedisIsDownHoldsReturnAtOnceAndAreDroppedAndTheRestFails() throws Exception {
        twoNodesSubscribed();
        redisKilled();

        int holds = 5_000;
        atOnce(holds, i -> a.bus.hold("lobby", "g:u" + i, "u" + i, i % 2 == 0));
        Poll.until(EVENT, () -> a.bus.holdsDropped() == holds, "all " + holds + " holds counted as dropped");
        for (CompletionStage<?> stage : List.of(
                a.bus.holdOnly(List.of(holding("lobby", "g:u1"))),
                a.bus.members("lobby"),
                a.bus.renewAndReap(Duration.ofSeconds(1)))) {
            ExecutionException failed = assertThrows(
                    ExecutionException.class,
                    () -> stage.toCompletableFuture().get(EVENT.toMillis(), TimeUnit.MILLISECONDS));
            assertNotNull(failed.getCause());
        }

        redisBack();
        assertEquals(Map.of(), members(b, "lobby"));
        Poll.until(
                EVENT,
                () -> {
                    a.bus.hold("lobby", "g:late", "late", true);
                    return members(b, "lobby").containsKey("g:late");
                },
                "a holds again once its publishing connection is back");
    }

    /** Kills Redis; both nodes are told. */
    void redisKilled() throws InterruptedException {
        redis.kill();
        a.awaitLost();
        b.awaitLost();
    }

    /** Starts Redis again on its port; both nodes are subscribed again. */
    void redisBack() throws InterruptedException {
        redis.start();
        a.awaitSubscribed(RESUBSCRIBED);
        b.awaitSubscribed(RESUBSCRIBED);
    }

    /** Makes {@code count} calls, which must all return within 2 s. */
    static void atOnce(int count, IntConsumer call) {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < count; i++) {
                call.accept(i);
            }
        });
    }

    static ClusterBus.Holding holding(String room, String userKey) {
        return new ClusterBus.Holding(room, userKey, userKey.substring(userKey.indexOf(':') + 1));
    }

    static Map<String, String> members(Node node, String room) {
        return await(node.bus.members(room));
    }

    /** The stages' results (the last one's), failing the test if one fails or takes longer than an event. */
    @SafeVarargs
    static <T> T await(CompletionStage<T>... stages) {
        T last = null;
        for (CompletionStage<T> stage : stages) {
            try {
                last = stage.toCompletableFuture().get(EVENT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError(e);
            }
        }
        return last;
    }

    @Test
    void theSettingsAreReadWithTheirDefaults() {
        ClusterSettings unset = ClusterSettings.from(Settings.of(Map.of()));
        assertTrue(!unset.enabled());
        assertEquals("parley", unset.channel());
        assertEquals(Duration.ofSeconds(2), unset.reconnectMax());
        assertEquals(10_000, unset.requestQueue());

        ClusterSettings set = ClusterSettings.from(Settings.of(
                Map.of("parley.cluster.redis-url", "redis://127.0.0.1:6390", "parley.cluster.channel", "parley-test")));
        assertTrue(set.enabled());
        assertEquals("redis://127.0.0.1:6390", set.redisUrl().orElseThrow());
        assertEquals("parley-test", set.channel());
    }

    /** A Redis, and two nodes a and b subscribed to it. */
    void twoNodesSubscribed() throws InterruptedException {
        twoNodesSubscribed(Map.of());
    }

    /** A Redis, and two nodes a and b subscribed to it, with these settings besides the Redis URL and channel. */
    void twoNodesSubscribed(Map<String, String> settings) throws InterruptedException {
        redis = RedisProcess.started();
        toClose.add(redis);
        a = node("a", settings);
        b = node("b", settings);
        a.awaitSubscribed();
        b.awaitSubscribed();
    }

    Node node(String name) {
        return node(name, Map.of());
    }

    Node node(String name, Map<String, String> settings) {
        Node node = new Node(name, redis.url(), settings);
        toClose.add(node.bus);
        node.bus.start(node);
        return node;
    }

    static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    static Set<String> threadsNamed(String prefix) {
        return threadNames().stream().filter(name -> name.startsWith(prefix)).collect(Collectors.toSet());
    }

    /** A bus and what it told its node, in order. */
    static final class Node implements ClusterBus.Listener {

        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final AtomicInteger threadsMade = new AtomicInteger();
        final RedisBus bus;

        Node(String name, String url, Map<String, String> settings) {
            ThreadFactory threads = task -> {
                Thread thread = new Thread(task, "bus-" + name + "-" + threadsMade.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            Map<String, String> all = new HashMap<>(settings);
            all.put("parley.cluster.redis-url", url);
            all.put("parley.cluster.channel", "parley-test");
            bus = new RedisBus(ClusterSettings.from(Settings.of(all)), threads);
        }

        @Override
        public void received(String text) {
            events.add("received " + text);
        }

        @Override
        public void subscribed() {
            events.add("subscribed");
        }

        @Override
        public void lost() {
            events.add("lost");
        }

        String next() throws InterruptedException {
            return next(EVENT);
        }

        String next(Duration within) throws InterruptedException {
            String event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("nothing within " + within);
            }
            return event;
        }

        void awaitSubscribed() throws InterruptedException {
            awaitSubscribed(EVENT);
        }

        void awaitSubscribed(Duration within) throws InterruptedException {
            assertEquals("subscribed", next(within));
        }

        /** The next event, a presence change: "joined ROOM USER NAME" or "left …". */
        String presence() throws InterruptedException {
            String event = next();
            assertTrue(event.startsWith("received "), event);
            JsonObject change = Json.createReader(new StringReader(event.substring("received ".length())))
                    .readObject();
            assertEquals("presence", change.getString("kind"), event);
            return (change.getBoolean("joined") ? "joined " : "left ") + change.getString("room") + " "
                    + change.getString("user") + " " + change.getString("name");
        }

        void awaitLost() throws InterruptedException {
            assertEquals("lost", next());
        }
    }
}

package dev.parley.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.settings.Settings;
import dev.parley.testing.Poll;
import dev.parley.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

        redis.kill();
        a.awaitLost();
        b.awaitLost();
        int texts = 5_000;
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 0; i < texts; i++) {
                a.bus.publish("while down " + i);
            }
        });
        Poll.until(EVENT, () -> a.bus.dropped() == texts, "all " + texts + " texts counted as dropped");

        redis.start();
        a.awaitSubscribed(RESUBSCRIBED);
        b.awaitSubscribed(RESUBSCRIBED);
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

        void awaitLost() throws InterruptedException {
            assertEquals("lost", next());
        }
    }
}

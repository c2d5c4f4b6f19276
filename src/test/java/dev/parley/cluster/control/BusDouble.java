package dev.parley.cluster.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The buses of several nodes in one JVM, behaving as Redis pub/sub may at its worst: a text reaches the other nodes
 * on a thread of the bus (one per node, as a Netty event loop), and the test can hold texts back and let them go in
 * reverse order, drop some, or take the bus down and bring it back.
 */
final class BusDouble implements AutoCloseable {

    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private boolean down;
    private Predicate<String> dropped = text -> false;

    ClusterBus node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    synchronized void hold() {
        holding = true;
    }

    /** Lets the held texts go, the last published first. */
    void releaseReversed() {
        List<Runnable> deliveries;
        synchronized (this) {
            holding = false;
            deliveries = new ArrayList<>(held);
            held.clear();
        }
        Collections.reverse(deliveries);
        deliveries.forEach(Runnable::run);
    }

    synchronized void dropWhen(Predicate<String> which) {
        dropped = which;
    }

    void down() {
        synchronized (this) {
            down = true;
        }
        nodes.forEach(node -> node.thread.execute(() -> node.listener.lost()));
    }

    void up() {
        synchronized (this) {
            down = false;
        }
        nodes.forEach(node -> node.thread.execute(() -> node.listener.subscribed()));
    }

    private void publish(Node from, String text) {
        for (Node to : nodes) {
            if (to == from) {
                continue;
            }
            Runnable delivery = () -> to.thread.execute(() -> to.listener.received(text));
            synchronized (this) {
                if (down || dropped.test(text)) {
                    continue;
                }
                if (holding) {
                    held.add(delivery);
                    continue;
                }
            }
            delivery.run();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            node.close();
        }
    }

    private final class Node implements ClusterBus {

        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile Listener listener;

        @Override
        public void start(Listener listener) {
            this.listener = listener;
            thread.execute(listener::subscribed);
        }

        @Override
        public void publish(String text) {
            BusDouble.this.publish(this, text);
        }

        // presence is RedisBus's (RedisBusTest); this double keeps none yet
        @Override
        public void hold(String room, String userKey, String name, boolean held) {
            throw new UnsupportedOperationException("BusDouble keeps no presence");
        }

        @Override
        public CompletionStage<Void> holdOnly(Collection<Holding> holdings) {
            throw new UnsupportedOperationException("BusDouble keeps no presence");
        }

        @Override
        public CompletionStage<Map<String, String>> members(String room) {
            throw new UnsupportedOperationException("BusDouble keeps no presence");
        }

        @Override
        public CompletionStage<Void> renewAndReap(Duration lease) {
            throw new UnsupportedOperationException("BusDouble keeps no presence");
        }

        @Override
        public boolean up() {
            synchronized (BusDouble.this) {
                return !down;
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

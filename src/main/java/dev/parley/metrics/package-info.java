/**
 * The metrics registry: {@link dev.parley.metrics.Metrics} holds the counters and latency histograms that chat and
 * history feed on their hot paths (striped {@link java.util.concurrent.atomic.LongAdder}s: no lock, no allocation
 * per delivery) and that {@code ops} shows. It imports nothing else of Parley, so every component may feed it
 * without an arrow pointing back.
 */
package dev.parley.metrics;

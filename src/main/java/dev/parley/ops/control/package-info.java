/**
 * Operational figures: {@link dev.parley.ops.control.Metrics} holds the counters and latency histograms the chat
 * and history components feed on their hot paths (striped {@link java.util.concurrent.atomic.LongAdder}s: no lock,
 * no allocation per delivery); {@link dev.parley.ops.control.DatabaseProbe} asks the database a real question.
 * This package depends on nothing else of Parley, so every component may feed it.
 */
package dev.parley.ops.control;

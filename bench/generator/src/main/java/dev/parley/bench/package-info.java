/**
 * Parley's load generator: real WebSocket connections on the JDK client (many per selector thread), protocol v1
 * against {@code /chat} or the raw reference endpoint, latencies in HdrHistogram, the server's CPU and RSS from
 * {@code /proc}. {@link dev.parley.bench.Bench} is the command line; one class per scenario.
 */
package dev.parley.bench;

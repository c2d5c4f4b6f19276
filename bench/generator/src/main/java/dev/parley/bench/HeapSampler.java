package dev.parley.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's heap once a second from {@code jstat -gc PID 1000} (one process for the whole run: jstat reads the
 * JVM's performance counters, so it answers even when the server no longer answers HTTP, and a JVM started every
 * second would cost this 2-core machine more than the sample is worth). Per sample: heap in use (survivors + eden +
 * old) and old generation in use; a sample whose GC counts moved since the last one gives the heap without eden,
 * which is close to what the last collection left (the live set, plus garbage the young collections promoted).
 */
final class HeapSampler {

    record Sample(long at, long usedKb, long oldKb, long afterGcKb) {}

    private final List<Sample> samples = new ArrayList<>();
    private Process jstat;
    private String failure;

    void start(long pid) {
        String command =
                Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        try {
            jstat = new ProcessBuilder(command, "-gc", Long.toString(pid), "1000")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            failure = "jstat did not start: " + e.getMessage();
            return;
        }
        Thread reader = Client.daemon("bench-jstat").newThread(this::read);
        reader.start();
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
            List<String> columns = List.of();
            double gcs = -1;
            String line;
            while ((line = lines.readLine()) != null) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 0 && fields[0].equals("S0C")) {
                    columns = List.of(fields);
                    continue;
                }
                if (columns.isEmpty() || fields.length != columns.size()) {
                    synchronized (this) {
                        failure = line;
                    }
                    continue;
                }
                Map<String, Double> v = new LinkedHashMap<>();
                for (int i = 0; i < fields.length; i++) {
                    v.put(columns.get(i), parse(fields[i]));
                }
                double survivors = v.getOrDefault("S0U", 0.0) + v.getOrDefault("S1U", 0.0);
                double old = v.getOrDefault("OU", 0.0);
                double used = survivors + old + v.getOrDefault("EU", 0.0);
                double gcNow = v.getOrDefault("YGC", 0.0) + v.getOrDefault("FGC", 0.0);
                long afterGc = gcs >= 0 && gcNow > gcs ? (long) (survivors + old) : -1;
                gcs = gcNow;
                synchronized (this) {
                    samples.add(new Sample(System.nanoTime(), (long) used, (long) old, afterGc));
                    notifyAll();
                }
            }
        } catch (IOException ended) {
            // the server (and so jstat) ended
        }
    }

    private static double parse(String field) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException dash) {
            return 0; // "-" for a column the collector does not have
        }
    }

    /** Waits (at most 5 s) for a sample taken after {@code after}; returns it, or null. */
    synchronized Sample next(long after) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (samples.isEmpty() || samples.get(samples.size() - 1).at() <= after) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return samples.get(samples.size() - 1);
    }

    /** Maxima over the samples taken between two {@link System#nanoTime} instants, in MiB. */
    synchronized Map<String, Object> between(long from, long until) {
        long used = -1, old = -1, afterGc = -1, count = 0;
        for (Sample s : samples) {
            if (s.at() >= from && s.at() < until) {
                count++;
                used = Math.max(used, s.usedKb());
                old = Math.max(old, s.oldKb());
                afterGc = Math.max(afterGc, s.afterGcKb());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", count);
        out.put("used_max_mib", mib(used));
        out.put("old_max_mib", mib(old));
        out.put("after_gc_max_mib", mib(afterGc));
        if (count == 0 && failure != null) {
            out.put("jstat", failure);
        }
        return out;
    }

    static Double mib(long kb) {
        return kb < 0 ? null : kb / 1024.0;
    }

    void stop() {
        if (jstat != null) {
            jstat.destroy();
        }
    }
}

package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/** A run's report: the parameters, the machine, the figures; printed as one line and written as JSON. */
final class Results {

    final Map<String, Object> report = new LinkedHashMap<>();
    final Map<String, Object> figures = new LinkedHashMap<>();

    private final ServerProbe server;
    private final double serverCpuStart;
    private final double generatorCpuStart;

    Results(Options options, Target target, ServerProbe server) {
        this.server = server;
        serverCpuStart = server == null ? Double.NaN : server.cpuSeconds();
        generatorCpuStart = ServerProbe.generatorCpuSeconds();
        report.put("scenario", options.scenario);
        report.put("target", target.kind());
        report.put("url", target.url().toString());
        // several nodes of one cluster (client i on urls[i % nodes]); one URL: nodes 1
        report.put("urls", target.urls().stream().map(Object::toString).toList());
        report.put("nodes", target.urls().size());
        report.put("started", Instant.now().toString());
        report.put("parameters", new LinkedHashMap<>(options.all()));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("generator_jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("server", options.string("server-label", "?"));
        machine.put("server_pid", server == null ? -1 : server.pid);
        machine.put("server_pids", server == null ? List.of() : server.pids);
        machine.put("server_command", server == null ? "" : abbreviate(server.command()));
        // the command above is cut short, and a run's figures depend on the limits the server was started with
        machine.put("server_parley_settings", server == null ? List.of() : server.parleySettings());
        machine.put("load_average_start", ServerProbe.loadAverage());
        report.put("machine", machine);
        report.put("figures", figures);
    }

    static Map<String, Object> latency(Histogram micros) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", micros.getTotalCount());
        out.put("p50_ms", ms(micros.getValueAtPercentile(50)));
        out.put("p90_ms", ms(micros.getValueAtPercentile(90)));
        out.put("p95_ms", ms(micros.getValueAtPercentile(95)));
        out.put("p99_ms", ms(micros.getValueAtPercentile(99)));
        out.put("p999_ms", ms(micros.getValueAtPercentile(99.9)));
        out.put("max_ms", ms(micros.getMaxValue()));
        out.put("mean_ms", micros.getTotalCount() == 0 ? 0.0 : micros.getMean() / 1000.0);
        return out;
    }

    /** Counters by key (a code, a status), sorted by key, for the report. */
    static Map<String, Object> counts(Map<?, LongAdder> counters) {
        Map<String, Object> out = new TreeMap<>();
        counters.forEach((key, count) -> out.put(key.toString(), count.sum()));
        return out;
    }

    static String brief(Histogram micros) {
        return String.format(
                Locale.ROOT,
                "p50=%.1fms p99=%.1fms p999=%.1fms max=%.1fms",
                ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()));
    }

    static double ms(long micros) {
        return micros / 1000.0;
    }

    /** Prints the summary line and writes the JSON file ({@code --out}, default bench-SCENARIO-TARGET.json). */
    void finish(Options options, String summary) throws IOException {
        Map<String, Object> machine = (Map<String, Object>) report.get("machine");
        machine.put("load_average_end", ServerProbe.loadAverage());
        // the whole scenario (connecting included), for every scenario: which of the two took the cores
        double serverCpu = server == null ? Double.NaN : server.cpuSeconds() - serverCpuStart;
        double generatorCpu = ServerProbe.generatorCpuSeconds() - generatorCpuStart;
        Map<String, Object> runCpu = new LinkedHashMap<>();
        runCpu.put("server", serverCpu);
        runCpu.put("generator", generatorCpu);
        figures.put("run_cpu_seconds", runCpu);
        figures.put("batched_frames", Client.BATCHED_FRAMES.sum());
        figures.put("batched_events", Client.BATCHED_EVENTS.sum());
        report.put("summary", summary);
        Path out = Path.of(options.string("out", "bench-" + options.scenario + "-" + report.get("target") + ".json"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, Json.write(report));
        System.out.println(summary
                + String.format(
                        Locale.ROOT,
                        " run-cpu[server=%.1fs generator=%.1fs] batched=%d/%d",
                        serverCpu,
                        generatorCpu,
                        Client.BATCHED_EVENTS.sum(),
                        Client.BATCHED_FRAMES.sum())
                + " load=" + ServerProbe.loadAverage() + " json=" + out);
    }

    private static String abbreviate(String command) {
        return command.length() > 300 ? command.substring(0, 300) + "…" : command;
    }
}

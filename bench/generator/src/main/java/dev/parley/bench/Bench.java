package dev.parley.bench;

/**
 * The command line: {@code java -jar parley-bench.jar SCENARIO --url ws://HOST:PORT/chat [--option value …]}.
 * Scenarios: {@code fanout} (also the persistence run, with many small rooms), {@code capacity}, {@code idle},
 * {@code handshake}, {@code hostile}, {@code uploads}; {@code hold} is the child process {@code idle} starts; {@code postgres} runs a PostgreSQL
 * for the persistence run. See bench/README.md.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = new Options(args);
        } catch (IllegalArgumentException usage) {
            System.err.println(usage.getMessage()
                    + "\nusage: java -jar parley-bench.jar fanout|capacity|idle|handshake|hostile|uploads"
                    + " --url ws://HOST:PORT/chat [--target parley|raw] [--server-label NAME] [--out FILE.json] …"
                    + " (bench/README.md lists every option)");
            System.exit(2);
            return;
        }
        Target target = Target.of(options);
        switch (options.scenario) {
            case "fanout" -> new FanOut(options).run(options, target);
            case "capacity" -> new Capacity().run(options, target);
            case "idle" -> new Idle().run(options, target);
            case "handshake" -> new Handshakes().run(options, target);
            case "hostile" -> new Hostile(options).run(target);
            case "uploads" -> new Uploads(options).run(target);
            case "hold" -> Idle.holdChild(options, target);
            case "postgres" -> Postgres.run(options);
            default -> {
                System.err.println("unknown scenario " + options.scenario);
                System.exit(2);
            }
        }
        System.exit(0);
    }
}

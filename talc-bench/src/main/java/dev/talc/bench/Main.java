package dev.talc.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.report.LeafShares;
import dev.talc.bench.report.ProfileBreakdown;
import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.trace.Trace;
import dev.talc.bench.trace.TraceStats;
import dev.talc.bench.trace.Traces;
import dev.talc.bench.workload.LatencyTail;
import dev.talc.bench.workload.PairedRandomActions;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.TraceReplay;

/**
 * Command line of the benchmark module (the shaded jar's main class).
 *
 * <pre>
 *   quick | full  [--only id,id] [--skip id,id] [--forks N] [--no-fork] [--out DIR]   the comparison (results/&lt;mode&gt;/)
 *   paired BASE WITH... [--rounds N] [--sizes M,M] [--realloc both|yes|no] [--out DIR]   (each ID or ID:VARIANT)
 *                                                                         allocators against a base, trial for trial in one JVM
 *   traces [--only id,id] [--traces name,name] [--passes N] [--warmups N] [--forks N] [--out DIR]
 *                                                                         the real programs' traces alone (results/traces/)
 *   trace-stats [FILE...]                                                 statistics of traces (MANIFEST.md's figures)
 *   jmh [JMH options]                                                     JMH benchmarks (dev.talc.bench.jmh)
 *   list                                                                  allocator ids
 * </pre>
 */
public final class Main {

    private Main() {
    }

    static final String USAGE = """
            Talc for Java: comparative benchmarks

              java -jar talc-bench/target/talc-bench.jar quick   # about 2-3 minutes: every allocator, 1-thread random
                                                                 # actions at every M, a subset of the rest
              java -jar talc-bench/target/talc-bench.jar full    # the published figures: 7 trials, every variant
              java -jar talc-bench/target/talc-bench.jar traces  # real programs' malloc traces replayed (about
                                                                 # 2 minutes): ns/event, footprint
              java -jar talc-bench/target/talc-bench.jar traces --only talc,glibc-malloc-ffm-critical \
                  --traces python,sqlite --passes 3              # a few allocators and traces
              java -jar talc-bench/target/talc-bench.jar trace-stats             # the bundled traces' statistics
              java -jar talc-bench/target/talc-bench.jar jmh -prof gc            # JMH single-operation benchmarks
              java -jar talc-bench/target/talc-bench.jar list                    # allocator ids
              java -jar talc-bench/target/talc-bench.jar paired talc concurrenttalc  # one against another,
                                                                 # trial for trial in one JVM (1-thread
                                                                 # random actions; about 2 minutes)
              java -jar talc-bench/target/talc-bench.jar paired talc talc-fence talc-bare-lock concurrenttalc \\
                  --realloc no --rounds 31                       # several against one base, side by side
              java -jar talc-bench/target/talc-bench.jar paired talc talc:align16  # what alignment >= 16 costs

            Or build and run in one Maven command from the repository root:
              mvn -q -B -pl talc-bench -am package -DskipTests -Dbench=quick      (or -Dbench=full)

            Options of quick/full:
              --only id,id   run only these allocators (ids from 'list', probes too), in this order
              --skip id,id   run all but these
              --forks N      N fresh JVMs per allocator, round-robin over the allocators; each score is
                             the median over them (a noisy host can slow a whole JVM for seconds)
              --no-fork      run every allocator in this JVM (faster, but later allocators run with
                             megamorphic call sites: for checking JIT pollution only)
              --out DIR      output directory (default results/<mode>)
              --profile      a flame graph per allocator and workload (async-profiler, event=cpu) in DIR/profiles,
                             and a table of where the time went: harness, allocator logic, segment access, copies
              --traces a,b   the traces to replay (default: quick python,sqlite,gawk; full and traces: all of
                             python,perl,cc1,sqlite,rg,jvm,gawk)
              --passes N     timed passes per trace (default: quick 3, full and traces 7); the median is reported
              --warmups N    unscored passes per trace before them (default: quick 1, full and traces 2)

            Options of traces: those of quick/full; without --only it runs the allocators the replay supports
            (talc, concurrenttalc, jdk-malloc-ffm, glibc-malloc-ffm-critical, one-nio-malloc and the LWJGL natives).

            profile-breakdown FILE...: where the time of each profile went (harness, allocator logic, segment access,
            copies), from async-profiler's collapsed stacks (--profile writes them; so does -agentpath:...=collapsed)

            profile-leaves [--top N] FILE...: the frames each profile's samples ended in, with their shares (default
            top 15), for JMH profiles (jmh ... -prof 'async:libPath=...;output=collapsed;dir=DIR')

            latency-tail ID [--max-size N] [--allocations N]: the mixed microbenchmark for one allocator, and
            which request sizes and alignments its calls slower than 3 x p50 were (default sizes below 65536)

            trace-stats [FILE...]: events by op, threads, peak live bytes, realloc share and chains, sizes, of the
            bundled traces (or of recorder files, raw or .xz)

            Options of paired BASE WITH [WITH...]: each side is an allocator id, or ID:VARIANT to run a variant of
            random actions on it (variants: standard, the default; align16, every alignment raised to >= 16)
              --rounds N     paired rounds per configuration (default 15): one trial of each allocator, in an
                             order that rotates; the figure is the median ratio to BASE over the rounds
              --sizes M,M    max sizes to run (default 200,1000,3000,10000,30000)
              --realloc W    both (default), yes (with realloc only) or no (without only)
              --out DIR      output directory (default results/paired)
            """;

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return;
        }
        switch (args[0]) {
            case "child" -> {
                ContenderRun.main(Arrays.copyOfRange(args, 1, args.length));
                System.exit(0); // native allocators and Netty may leave non-daemon threads behind
            }
            case "jmh" -> org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            case "list" -> Contenders.allWithProbes().forEach(c -> System.out.printf("%-28s %-30s %s%n", c.id(),
                    c.name(), c.kind().label()));
            case "quick", "full", "tiny", "traces" -> compare(args);
            case "trace-stats" -> traceStats(Arrays.copyOfRange(args, 1, args.length));
            case "profile-breakdown" -> profileBreakdown(Arrays.copyOfRange(args, 1, args.length));
            case "profile-leaves" -> profileLeaves(Arrays.copyOfRange(args, 1, args.length));
            case "trace-footprint" -> { // internal: a footprint JVM of the trace replay
                TraceReplay.printFootprint(args[1], args[2]);
                System.exit(0);
            }
            case "paired" -> paired(args);
            case "latency-tail" -> latencyTail(Arrays.copyOfRange(args, 1, args.length));
            default -> {
                exitWithUsage("unknown command '" + args[0] + "'");
            }
        }
    }

    private static void compare(String[] args) throws Exception {
        Params.Budget budget = Params.budget(args[0]);
        List<String> only = null;
        List<String> skip = List.of();
        boolean fork = true;
        boolean profile = false;
        int forks = 1;
        Path out = Path.of("results", budget.name());
        List<String> traces = budget.traces().names();
        int warmups = budget.traces().warmups();
        int passes = budget.traces().passes();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = ids(optionValue(args, i++));
                case "--skip" -> skip = ids(optionValue(args, i++));
                case "--no-fork" -> fork = false;
                case "--profile" -> profile = true;
                case "--forks" -> forks = Integer.parseInt(optionValue(args, i++));
                case "--out" -> out = Path.of(optionValue(args, i++));
                case "--traces" -> traces = traceNames(optionValue(args, i++));
                case "--passes" -> passes = Integer.parseInt(optionValue(args, i++));
                case "--warmups" -> warmups = Integer.parseInt(optionValue(args, i++));
                default -> {
                    exitWithUsage("unknown option '" + args[i] + "'");
                }
            }
        }
        budget = budget.withTraces(new Params.TraceRuns(traces, warmups, passes));
        List<Contender> chosen = budget.name().equals(Params.TRACES.name()) && only == null
                ? traceContenders(skip) : contenders(only, skip);
        new Harness(budget, chosen, fork, forks, out, profile).run();
        System.exit(0); // worker threads are daemons, but native allocators may hold non-daemon helpers
    }

    /**
     * The allocators a comparison runs: every contender, or only those {@code only} names (ids, in that order:
     * to check JIT pollution, put Talc last with --no-fork), probes included when named; less {@code skip}.
     */
    static List<Contender> contenders(List<String> only, List<String> skip) {
        List<Contender> contenders = new ArrayList<>(only == null ? Contenders.all() : Contenders.allWithProbes());
        if (only != null) {
            contenders.removeIf(c -> !only.contains(c.id()));
            contenders.sort(java.util.Comparator.comparingInt(c -> only.indexOf(c.id())));
        }
        contenders.removeIf(c -> skip.contains(c.id()));
        return contenders;
    }

    /** The allocators the trace replay supports ({@link TraceReplay#REPLAYED}), in table order, less {@code skip}. */
    static List<Contender> traceContenders(List<String> skip) {
        List<Contender> replayed = new ArrayList<>(Contenders.all());
        replayed.removeIf(c -> TraceReplay.whyNot(c.name()).isPresent() || skip.contains(c.id()));
        return replayed;
    }

    /** The trace names in a comma-separated list; throws on an unknown one. */
    static List<String> traceNames(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> Traces.info(s).name()).toList();
    }

    /**
     * Prints where the time of each profile went (harness, allocator logic, segment access, copies), for
     * async-profiler collapsed stacks written by {@code --profile} or by {@code -agentpath:...=collapsed}.
     */
    private static void profileBreakdown(String[] files) throws Exception {
        if (files.length == 0) {
            exitWithUsage("profile-breakdown needs at least one collapsed-stacks file");
        }
        List<ProfileBreakdown> rows = new ArrayList<>();
        for (String file : files) {
            Path path = Path.of(file);
            rows.add(ProfileBreakdown.of(path.getFileName().toString(), "",
                    java.nio.file.Files.readAllLines(path, java.nio.charset.StandardCharsets.UTF_8)));
        }
        System.out.print(ProfileBreakdown.table(rows));
    }

    private static void profileLeaves(String[] args) throws Exception {
        int top = 15;
        int first = 0;
        if (args.length >= 2 && args[0].equals("--top")) {
            top = Integer.parseInt(args[1]);
            first = 2;
        }
        if (args.length == first) {
            exitWithUsage("profile-leaves needs at least one collapsed-stacks file");
        }
        for (String file : Arrays.copyOfRange(args, first, args.length)) {
            Path path = Path.of(file);
            System.out.printf("## %s%n%s%n", path, LeafShares.table(LeafShares.of(
                    java.nio.file.Files.readAllLines(path, java.nio.charset.StandardCharsets.UTF_8)), top));
        }
    }

    /** Prints where the mixed microbenchmark's latency tail lies for one allocator ({@link LatencyTail}). */
    private static void latencyTail(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            exitWithUsage("latency-tail needs an allocator id");
        }
        long maxSize = Params.MB_MAX_SIZE;
        int allocations = 1_000_000;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--max-size" -> maxSize = Long.parseLong(optionValue(args, i++));
                case "--allocations" -> allocations = Integer.parseInt(optionValue(args, i++));
                default -> exitWithUsage("unknown option of latency-tail: " + args[i]);
            }
        }
        System.out.print(LatencyTail.run(Contenders.byId(args[0]).factory(), maxSize, allocations));
    }

    /** Prints the statistics of the bundled traces, or of the given trace files, as MANIFEST.md lists them. */
    private static void traceStats(String[] files) throws Exception {
        if (files.length == 0) {
            for (Traces.Info info : Traces.ALL) {
                System.out.printf("## %s%n%n%s; %s%n%n%s%n", info.name(), info.program(), info.behaviour(),
                        TraceStats.markdown(Traces.load(info.name())));
            }
            return;
        }
        for (String file : files) {
            Trace t = Traces.loadFile(Path.of(file));
            System.out.printf("## %s%n%n%s%n", t.name(), TraceStats.markdown(t));
        }
    }

    private static void paired(String[] args) throws Exception {
        PairedRandomActions.Side base = null;
        List<PairedRandomActions.Side> with = new ArrayList<>();
        int rounds = 15;
        List<Integer> sizes = Params.RA_MAX_SIZES;
        List<Boolean> reallocModes = PairedRandomActions.Plan.BOTH_MODES;
        Path out = Path.of("results", "paired");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(optionValue(args, i++));
                case "--out" -> out = Path.of(optionValue(args, i++));
                case "--sizes" -> sizes = Arrays.stream(optionValue(args, i++).split(",")).map(Integer::valueOf).toList();
                case "--realloc" -> reallocModes = switch (optionValue(args, i++)) {
                    case "both" -> PairedRandomActions.Plan.BOTH_MODES;
                    case "yes" -> List.of(true);
                    case "no" -> List.of(false);
                    default -> {
                        exitWithUsage("--realloc takes both, yes or no, not '" + args[i] + "'");
                        yield List.of();
                    }
                };
                default -> {
                    if (args[i].startsWith("--")) {
                        exitWithUsage("unknown option '" + args[i] + "'");
                    } else {
                        PairedRandomActions.Side side = side(args[i]);
                        if (base == null) {
                            base = side;
                        } else {
                            with.add(side);
                        }
                    }
                }
            }
        }
        if (with.isEmpty()) {
            exitWithUsage("paired needs a base and at least one other allocator id");
        }
        PairedRandomActions.Plan plan = new PairedRandomActions.Plan(sizes, reallocModes, rounds,
                Params.RA_DURATION_NANOS);
        long start = System.nanoTime();
        PairedRandomActions.runSides(base, with, plan, line -> System.out.printf("[%6.1fs] %s%n",
                (System.nanoTime() - start) / 1e9, line), out);
        System.out.println("Wrote " + out.resolve("paired.csv"));
        System.exit(0);
    }

    /** A side of {@code paired}, {@code ID} or {@code ID:VARIANT}; exits with the usage and the reason if it is bad. */
    private static PairedRandomActions.Side side(String spec) {
        try {
            return PairedRandomActions.Side.parse(spec);
        } catch (IllegalArgumentException e) {
            exitWithUsage(e.getMessage());
            throw e; // not reached
        }
    }

    /** The value after option {@code args[i]}, or exits with the usage if there is none. */
    private static String optionValue(String[] args, int i) {
        if (i + 1 >= args.length) {
            exitWithUsage("option '" + args[i] + "' needs a value");
        }
        return args[i + 1];
    }

    /** Prints {@code problem} and the usage to standard error and exits with status 2. */
    private static void exitWithUsage(String problem) {
        System.err.print(problem + "\n\n" + USAGE);
        System.exit(2);
    }

    /** The ids in a comma-separated list of ids or names; throws on an unknown one. */
    private static List<String> ids(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> Contenders.byId(s).id()).toList();
    }
}

package dev.talc.bench.workload;

import java.util.List;

import dev.talc.bench.alloc.Contenders;

/**
 * Every parameter of the workloads, in one place: those fixed by DESIGN.md section 6 (the same as the Rust
 * Talc benchmarks, so numbers compare across languages) and the per-mode {@link Budget}s (how many trials,
 * which subset quick mode runs).
 *
 * <p>Design note: the workloads read only this class, so a reader checks the whole methodology here. Where
 * Talc's Rust benchmarks (benches/src/*.rs) fix something DESIGN.md does not, we follow the Rust code and say so
 * next to the constant.
 */
public final class Params {

    private Params() {
    }

    // ---- shared -----------------------------------------------------------------------------------

    /** Arena of every arena-based allocator: 128 MiB, pre-touched (allocated zeroed). Rust: HEAP_SIZE = 1 << 27. */
    public static final long ARENA_BYTES = 128L << 20;
    /** Seed of the wyrand generator; thread {@code t} of a trial starts from {@code SEED + t}. */
    public static final long SEED = 42;

    // ---- random actions ---------------------------------------------------------------------------

    /** The max sizes M of random actions. */
    public static final List<Integer> RA_MAX_SIZES = List.of(200, 1000, 3000, 10000, 30000);
    /** Each measured run lasts this long; its score is the successful operations in it. */
    public static final long RA_DURATION_NANOS = 200_000_000L;
    /** Actions between two looks at the clock. */
    public static final int RA_BATCH = 100;
    /** Live blocks one thread can hold (Rust: Vec::with_capacity(100000)); when full, an allocation becomes a free. */
    public static final int RA_LIVE_CAPACITY = 100_000;
    /** Below this many live blocks, every non-realloc action allocates. */
    public static final int RA_MIN_LIVE = 300;
    /** Realloc to U[1, RA_REALLOC_FACTOR * M). */
    public static final int RA_REALLOC_FACTOR = 3;
    /** Actions are U[0, 7) with realloc (6 = realloc), U[0, 6) without. */
    public static final int RA_ACTIONS_WITH_REALLOC = 7;
    /** See {@link #RA_ACTIONS_WITH_REALLOC}. */
    public static final int RA_ACTIONS_NO_REALLOC = 6;
    /** Actions below this allocate (when enough blocks are live); the others up to 5 free. */
    public static final int RA_ALLOCATE_BELOW = 3;
    /** Thread counts; 2 only for thread-safe allocators, all threads on one shared instance. */
    public static final List<Integer> RA_THREADS = List.of(1, 2);

    /**
     * The native Rust Talc, single thread, ops per 200 ms at M = 200 / 1000 / 3000 / 10000 / 30000, from
     * DESIGN.md section 6 ("measured on this kind of machine"); M = 10000 is given as a range (3.2-3.9M).
     * Printed as a labelled reference row, never as a measurement of this run.
     */
    public static final List<String> RUST_TALC_REFERENCE_TEXT = List.of("8.5M", "6.6M", "5.3M", "3.2-3.9M", "2.3M");
    /** The same, as numbers for ratios and charts (the midpoint of the M = 10000 range). */
    public static final List<Double> RUST_TALC_REFERENCE = List.of(8.5e6, 6.6e6, 5.3e6, 3.55e6, 2.3e6);
    /** Label of the reference row. */
    public static final String RUST_TALC_LABEL = "Rust Talc (reference, from DESIGN.md, not measured here)";
    /**
     * The parity targets of issue 14: native Rust Talc's score over glibc malloc's, both in the Rust benchmark,
     * at M = 200 / 1000 / 3000 / 10000 / 30000, with realloc. glibc scores the same there as through FFM in this
     * harness (DESIGN.md section 6, "native parity, by proxy", which measured 1.41 / 1.29 / 1.66 / 2.10 / 2.13 in
     * two runs; the targets round those down), so Talc over glibc through FFM here compares with these.
     */
    public static final List<Double> PARITY_TARGET_REALLOC = List.of(1.35, 1.25, 1.6, 2.0, 2.0);
    /** The same without realloc (DESIGN.md measured 1.16 / 0.99 / 1.26 / 1.74 / 2.45). */
    public static final List<Double> PARITY_TARGET_NO_REALLOC = List.of(1.1, 0.95, 1.2, 1.7, 2.3);
    /** Label of the parity target row. */
    public static final String PARITY_TARGET_LABEL = "parity target: Rust Talc / glibc in Rust (DESIGN.md 6)";
    /** Rust Talc's heap efficiency on its own benchmark (DESIGN.md), as a reference text. */
    public static final String RUST_TALC_HEAP_EFFICIENCY = "95-97% (dlmalloc 97.7%)";

    // ---- heap efficiency --------------------------------------------------------------------------

    /** Max size M of allocations. */
    public static final int HE_MAX_SIZE = 10_000;
    /** Realloc to U[1, HE_REALLOC_MAX). Rust: HE_MAX_ALLOC_SIZE * 10. */
    public static final int HE_REALLOC_MAX = 100_000;
    /** Actions are U[0, 10): 0..4 allocate, 5 free, 6..9 realloc. */
    public static final int HE_ACTIONS = 10;
    /** Actions up to this (inclusive) allocate. */
    public static final int HE_LAST_ALLOCATE = 4;
    /** The free action. */
    public static final int HE_FREE = 5;
    /** Capacity of the live list (Rust: Vec::with_capacity(100000)). */
    public static final int HE_LIVE_CAPACITY = 100_000;

    // ---- microbenchmark ---------------------------------------------------------------------------

    /**
     * Max size M of the microbenchmark's allocations. Rust microbench.rs: generate_size(0x10000), so the
     * sizes and alignments follow the same distributions as everywhere else.
     */
    public static final int MB_MAX_SIZE = 0x10000;
    /** The mixed workload frees 8 random blocks when more than 50 are live and U[0,10) == 0, or more than 600 are. */
    public static final int MB_MIN_LIVE = 50;
    /** See {@link #MB_MIN_LIVE}. */
    public static final int MB_MAX_LIVE = 600;
    /** See {@link #MB_MIN_LIVE}. */
    public static final int MB_FREE_BATCH = 8;
    /** Percentiles reported, in percent (100 = the maximum). */
    public static final List<Double> MB_PERCENTILES = List.of(1.0, 25.0, 50.0, 75.0, 99.0, 99.9, 100.0);
    /** Capacity of the live list under heap pressure (the whole arena in blocks of at least 4 bytes is far less). */
    public static final int MB_PRESSURE_LIVE_CAPACITY = 200_000;

    // ---- high alignment ---------------------------------------------------------------------------

    /** Blocks per run: 0x4000, as Talc's high_alignment_test.rs. */
    public static final int HA_COUNT = 16_384;
    /** The low-alignment case: 4096-byte blocks aligned to 8. */
    public static final long HA_LOW_SIZE = 4096;
    /** See {@link #HA_LOW_SIZE}. */
    public static final long HA_LOW_ALIGN = 8;
    /** The high-alignment case: 1-byte blocks aligned to 4096. */
    public static final long HA_HIGH_SIZE = 1;
    /** See {@link #HA_HIGH_SIZE}. */
    public static final long HA_HIGH_ALIGN = 4096;

    // ---- real programs' traces ---------------------------------------------------------------------

    /** Events between two footprint readings of an allocator's own statistics (and one at the live-bytes peak). */
    public static final int TRACE_FOOTPRINT_SAMPLE_EVERY = 256;

    /**
     * The fewest events the warm-up passes of a trace replay together (when any are asked for): a short trace
     * gets more passes than asked. With two passes of ripgrep's 232 650 events, C2 code of the allocator and of
     * the replay loop was in some JVMs thrown away during the timed passes and not compiled again before they
     * ended (Talc: 13.9 to 46 ns per event between JVMs; with twenty warm-up passes 14.4 to 17.2).
     */
    public static final long TRACE_MIN_WARMUP_EVENTS = 5_000_000;
    /** The traces quick mode replays: a small-object interpreter, a database, long realloc chains. */
    public static final List<String> TRACES_QUICK = List.of("python", "sqlite", "gawk");

    /**
     * How the trace replay runs.
     *
     * @param names   the traces ({@code dev.talc.bench.trace.Traces}), in table order
     * @param warmups unscored passes per trace after the footprint pass, each on a fresh allocator
     * @param passes  timed passes per trace, each on a fresh allocator; the score is their median
     */
    public record TraceRuns(List<String> names, int warmups, int passes) {
        /** Checks the counts. */
        public TraceRuns {
            names = List.copyOf(names);
            if (warmups < 0 || passes < 1) {
                throw new IllegalArgumentException("warmups=" + warmups + " passes=" + passes
                        + " (warmups >= 0, passes >= 1)");
            }
        }
    }

    // ---- budgets ----------------------------------------------------------------------------------

    /**
     * Where the alignment-16 variant of random actions ({@link RandomActions.Variant#ALIGN16}) runs, 1 thread
     * only: M values for Talc's own forms (and the probes built on Talc, when named), which DESIGN.md's target
     * is about, and for the peers. Each must be an M the standard variant runs at too ({@link Budget}).
     *
     * @param talcRealloc    M values with realloc, Talc's forms
     * @param talcNoRealloc  M values without realloc, Talc's forms
     * @param peersRealloc   M values with realloc, every other allocator
     * @param peersNoRealloc M values without realloc, every other allocator
     */
    public record Align16Runs(List<Integer> talcRealloc, List<Integer> talcNoRealloc, List<Integer> peersRealloc,
                              List<Integer> peersNoRealloc) {
        /** Copies the lists. */
        public Align16Runs {
            talcRealloc = List.copyOf(talcRealloc);
            talcNoRealloc = List.copyOf(talcNoRealloc);
            peersRealloc = List.copyOf(peersRealloc);
            peersNoRealloc = List.copyOf(peersNoRealloc);
        }

        /** The M values for a peer or one of Talc's forms, with or without realloc. */
        public List<Integer> sizes(boolean peer, boolean realloc) {
            return peer ? (realloc ? peersRealloc : peersNoRealloc) : (realloc ? talcRealloc : talcNoRealloc);
        }

        /** Whether the peers run the variant in any mode. */
        public boolean peers() {
            return !peersRealloc.isEmpty() || !peersNoRealloc.isEmpty();
        }
    }

    /**
     * How much of the methodology one mode runs.
     *
     * @param name               mode name ({@code quick}, {@code full}, {@code tiny} for tests)
     * @param trials             scored trials per random-actions configuration (fresh allocator each)
     * @param durationNanos      length of one random-actions run (DESIGN: 200 ms)
     * @param warmupNanos        unscored warm-up run before each configuration's trials (fresh allocator)
     * @param firstWarmupNanos   extra warm-up at the start of each JVM, for the JIT (measured: in a fresh JVM the
     *                           first ~600 ms of random actions run far below steady speed while FFM's VarHandle
     *                           paths are spun up and compiled)
     * @param oneThreadRealloc   M values of random actions, 1 thread, with realloc
     * @param oneThreadNoRealloc M values, 1 thread, without realloc
     * @param twoThreadsRealloc  M values, 2 threads, with realloc (thread-safe allocators)
     * @param twoThreadsNoRealloc M values, 2 threads, without realloc
     * @param align16           where the alignment-16 variant runs
     * @param heapRounds         heap-efficiency rounds (DESIGN: 300)
     * @param microOps           allocations recorded by the mixed microbenchmark
     * @param pressureOps        free+allocate pairs recorded under heap pressure
     * @param alignmentReps      repetitions of each high-alignment case (the median is reported)
     * @param childTimeoutSeconds a forked JVM running longer than this is stopped (its remaining rows: not run)
     * @param workloads          the names of the workloads this mode runs ({@link Workload#name()})
     * @param traces             what the trace replay runs
     */
    public record Budget(String name, int trials, long durationNanos, long warmupNanos, long firstWarmupNanos,
                         List<Integer> oneThreadRealloc, List<Integer> oneThreadNoRealloc,
                         List<Integer> twoThreadsRealloc, List<Integer> twoThreadsNoRealloc,
                         Align16Runs align16, int heapRounds, int microOps, int pressureOps, int alignmentReps, long childTimeoutSeconds,
                         List<String> workloads, TraceRuns traces) {

        /**
         * Checks that the alignment-16 variant runs only where the standard one does (it is run and reported
         * against it).
         *
         * @throws IllegalArgumentException naming the M values without a standard configuration
         */
        public Budget {
            for (boolean peers : new boolean[] {false, true}) {
                for (boolean realloc : new boolean[] {true, false}) {
                    List<Integer> variant = align16.sizes(peers, realloc);
                    List<Integer> standard = realloc ? oneThreadRealloc : oneThreadNoRealloc;
                    if (!standard.containsAll(variant)) {
                        throw new IllegalArgumentException("budget=" + name + " peers=" + peers + " realloc=" + realloc
                                + " align16=" + variant + " standard=" + standard
                                + ": the alignment-16 variant runs only at M values the standard variant runs too");
                    }
                }
            }
        }

        /** Whether this mode runs {@code workload}. */
        public boolean runs(Workload workload) {
            return workloads.contains(workload.name());
        }

        /** The same budget with other trace runs (the {@code --traces} and {@code --passes} options). */
        public Budget withTraces(TraceRuns runs) {
            return new Budget(name, trials, durationNanos, warmupNanos, firstWarmupNanos, oneThreadRealloc,
                    oneThreadNoRealloc, twoThreadsRealloc, twoThreadsNoRealloc, align16, heapRounds, microOps,
                    pressureOps, alignmentReps, childTimeoutSeconds, workloads, runs);
        }

        /** M values of the alignment-16 variant (1 thread) for the allocator called {@code allocator}. */
        public List<Integer> align16Sizes(String allocator, boolean realloc) {
            return align16.sizes(!Contenders.builtOnTalc(allocator), realloc);
        }

        /** M values for one random-actions variant. */
        public List<Integer> maxSizes(int threads, boolean realloc) {
            if (threads == 1) {
                return realloc ? oneThreadRealloc : oneThreadNoRealloc;
            }
            return realloc ? twoThreadsRealloc : twoThreadsNoRealloc;
        }

        /** A one-line description of what this budget runs and skips, for the output. */
        public String describe() {
            String replay = "trace replay of " + traces.names() + ": footprint pass, " + traces.warmups()
                    + " warm-up passes, median of " + traces.passes() + " timed passes";
            if (!workloads.contains(TraceReplay.NAME) || workloads.size() == 1) {
                return name + ": " + (workloads.contains(TraceReplay.NAME) ? replay : "workloads " + workloads);
            }
            return name + ": " + trials + " trials x " + durationNanos / 1_000_000 + " ms (+" + warmupNanos / 1_000_000
                    + " ms warm-up) per random-actions configuration; random actions 1 thread with realloc M="
                    + oneThreadRealloc + ", without realloc M=" + oneThreadNoRealloc + "; 2 threads with realloc M="
                    + twoThreadsRealloc + ", without realloc M=" + twoThreadsNoRealloc + "; alignment 16 (1 thread) for Talc's forms"
                    + " with realloc M=" + align16.talcRealloc() + ", without realloc M=" + align16.talcNoRealloc()
                    + ", for the peers with realloc M=" + align16.peersRealloc() + ", without realloc M="
                    + align16.peersNoRealloc() + "; heap efficiency "
                    + heapRounds + " rounds; microbenchmark " + microOps + " allocations mixed + " + pressureOps
                    + " under pressure; high alignment median of " + alignmentReps + " runs; " + replay;
        }
    }

    /** Every workload, in {@link Workload#all()} order. */
    private static final List<String> ALL_WORKLOADS = List.of(RandomActions.NAME, HeapEfficiency.NAME, Microbench.NAME,
            HighAlignment.WORKLOAD_NAME, TraceReplay.NAME);
    /** Every bundled trace (the list of {@code dev.talc.bench.trace.Traces}). */
    private static final List<String> TRACES_ALL = dev.talc.bench.trace.Traces.names();

    /**
     * Quick mode: every allocator, 1-thread random actions at every M, a subset of the rest; about 2-3 minutes.
     * The alignment-16 variant runs with realloc at every M for Talc's own forms only, which the target is about
     * (what running it for every allocator would add to quick: README-bench.md).
     */
    public static final Budget QUICK = new Budget("quick", 3, RA_DURATION_NANOS, 100_000_000L, 1_000_000_000L,
            RA_MAX_SIZES, List.of(1000), List.of(1000, 10000), List.of(),
            new Align16Runs(RA_MAX_SIZES, List.of(), List.of(), List.of()),
            30, 100_000, 20_000, 5, 150, ALL_WORKLOADS, new TraceRuns(TRACES_QUICK, 1, 3));

    /**
     * Full mode: Talc's own methodology (7 trials, 300 heap rounds), every variant; what the README publishes.
     * The alignment-16 variant: with realloc at every M for every allocator (Talc against the peers on the
     * alignment C callers get), without realloc at every M for Talc's forms (allocation and free alone, where an
     * alignment cost would show most).
     */
    public static final Budget FULL = new Budget("full", 7, RA_DURATION_NANOS, 200_000_000L, 2_000_000_000L,
            RA_MAX_SIZES, RA_MAX_SIZES, RA_MAX_SIZES, RA_MAX_SIZES,
            new Align16Runs(RA_MAX_SIZES, RA_MAX_SIZES, RA_MAX_SIZES, List.of()),
            300, 1_000_000, 200_000, 21, 1800, ALL_WORKLOADS, new TraceRuns(TRACES_ALL, 2, 7));

    /** A tiny budget for the tests: every workload in well under a second per allocator. */
    public static final Budget TINY = new Budget("tiny", 1, 20_000_000L, 5_000_000L, 0L,
            List.of(1000), List.of(1000), List.of(1000), List.of(),
            new Align16Runs(List.of(1000), List.of(1000), List.of(1000), List.of(1000)),
            2, 2_000, 1_000, 2, 60, ALL_WORKLOADS, new TraceRuns(List.of(), 0, 1));

    /**
     * The {@code traces} command: the trace replay alone, every trace, 2 warm-up and 7 timed passes unless its
     * options say otherwise ({@link Budget#withTraces}).
     */
    public static final Budget TRACES = new Budget("traces", 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of(),
            new Align16Runs(List.of(), List.of(), List.of(), List.of()), 0, 0, 0, 0, 1800, List.of(TraceReplay.NAME),
            new TraceRuns(TRACES_ALL, 2, 7));

    /** The budget called {@code name}. */
    public static Budget budget(String name) {
        return switch (name) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            case "tiny" -> TINY;
            case "traces" -> TRACES;
            default -> throw new IllegalArgumentException("unknown mode '" + name + "' (quick, full, traces)");
        };
    }
}

package dev.talc.bench.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.report.ForkMedian;
import dev.talc.bench.report.Row;

import static dev.talc.bench.workload.Params.ARENA_BYTES;
import static dev.talc.bench.workload.Params.RA_ALLOCATE_BELOW;
import static dev.talc.bench.workload.Params.RA_BATCH;
import static dev.talc.bench.workload.Params.RA_LIVE_CAPACITY;
import static dev.talc.bench.workload.Params.RA_MIN_LIVE;
import static dev.talc.bench.workload.Params.RA_REALLOC_FACTOR;
import static dev.talc.bench.workload.Params.SEED;

/**
 * Random actions (Talc's random_actions.rs): for a fixed time, batches of 100 random actions (allocate,
 * free, realloc) on one allocator; the score is the number of successful operations.
 *
 * <p>Design note. Per action {@code a = U[0,7)} (or {@code U[0,6)} without realloc):
 * <pre>
 *   a == 6                        → realloc a random live block to U[1, 3M)      (keeps its alignment)
 *   a &lt; 3  or  live &lt; 300       → allocate size(M), max(alignment(), minAlign); write its first and last byte
 *   otherwise                     → free a random live block (swap-remove)
 * </pre>
 * With equal odds of allocating and freeing the live count performs a random walk above 300, so the heap
 * neither empties nor grows without bound. Each configuration (M, threads, realloc) gets an unscored warm-up
 * run, then {@code trials} scored runs, each on a fresh allocator; the score is the mean over trials of the
 * operations summed over threads. With 2 threads both share one thread-safe instance and start together at a
 * barrier; each has its own live list and generator (seed 42 + thread index). The measured loop allocates
 * nothing: primitive arrays, a primitive generator, a clock read per batch.
 *
 * <p>The {@link Variant alignment-16 variant} (DESIGN.md section 6, issue 14) draws exactly the same
 * numbers in the same order, so its actions, sizes and block choices are the standard variant's; only the
 * alignment passed to the allocator becomes {@code max(drawn, 16)} (malloc's guarantee, which C callers and
 * FFM struct layouts rely on). Where a budget runs both variants at one M (1 thread), their trials
 * alternate, standard first in even trials, and the ratio {@code align16 / standard} (a row of its own,
 * {@link #ratioName}) is the median over trials of the two adjacent trials' ratio: both sides see the same drift
 * of the machine, and one trial slowed by the host moves the median little where it would move a ratio of means.
 */
public final class RandomActions implements Workload {

    /** Benchmark name with realloc. */
    public static final String NAME = "random_actions";
    /** Benchmark name without realloc. */
    public static final String NAME_NO_REALLOC = "random_actions_no_realloc";
    /** Unit of the score. */
    public static final String UNIT = "ops/200ms";
    /** Unit of the ratio rows {@link #ratioName}. */
    public static final String RATIO_UNIT = "x";

    /**
     * Which alignment the allocator is asked for: the drawn one, or the drawn one raised to at least 16. Both
     * draw the same random numbers in the same order.
     */
    public enum Variant {
        /** DESIGN.md's distribution: 8 with probability 3/4, 16 with 3/16, 32 with 3/64, ... */
        STANDARD("standard", 8, ""),
        /** Every alignment raised to at least 16: 16 with probability 15/16, 32 with 3/64, ... */
        ALIGN16("align16", 16, "_align16");

        private final String id;
        private final long minAlign;
        private final String suffix;

        Variant(String id, long minAlign, String suffix) {
            this.id = id;
            this.minAlign = minAlign;
            this.suffix = suffix;
        }

        /** Short id, as on the command line ({@code talc:align16}) and in {@code paired.csv}. */
        public String id() {
            return id;
        }

        /** The least alignment passed to the allocator: each drawn alignment is raised to it. */
        public long minAlign() {
            return minAlign;
        }

        /** Benchmark name of this variant: {@code random_actions[_no_realloc][_align16]}. */
        public String benchmark(boolean realloc) {
            return (realloc ? NAME : NAME_NO_REALLOC) + suffix;
        }

        /**
         * The variant with this id.
         *
         * @throws IllegalArgumentException for an unknown id, naming it and the known ones
         */
        public static Variant byId(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("variant=" + id + " is unknown (variants: "
                    + java.util.Arrays.stream(values()).map(Variant::id).toList() + ")");
        }
    }

    /** Benchmark name of the alignment-16 variant with realloc. */
    public static final String NAME_ALIGN16 = Variant.ALIGN16.benchmark(true);
    /** Benchmark name of the alignment-16 variant without realloc. */
    public static final String NAME_NO_REALLOC_ALIGN16 = Variant.ALIGN16.benchmark(false);

    /**
     * Benchmark name of the ratio {@code align16 / standard} (the same allocator and M, 1 thread, in one JVM,
     * trials alternating): {@code random_actions_align16_ratio} or {@code random_actions_no_realloc_align16_ratio}.
     */
    public static String ratioName(boolean realloc) {
        return Variant.ALIGN16.benchmark(realloc) + "_ratio";
    }

    private static final LiveBlocks[] LIVE = new LiveBlocks[2];
    private boolean firstRunInThisJvm = true;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out)
            throws Exception {
        // Every 1-thread configuration before any 2-thread one: a JVM that has run contended trials carries
        // their profile (lock retries, other shards) into later 1-thread code, which plain Talc never runs.
        for (int threads : Params.RA_THREADS) {
            for (boolean realloc : new boolean[] {true, false}) {
                List<Integer> standard = budget.maxSizes(threads, realloc);
                List<Integer> align16 = threads == 1 ? budget.align16Sizes(factory.name(), realloc) : List.of();
                for (int m : new TreeSet<>(concat(standard, align16))) {
                    List<Variant> variants = new ArrayList<>();
                    if (standard.contains(m)) {
                        variants.add(Variant.STANDARD);
                    }
                    if (align16.contains(m)) {
                        variants.add(Variant.ALIGN16);
                    }
                    if (threads > 1 && !factory.threadSafe()) {
                        out.accept(Row.missing(Variant.STANDARD.benchmark(realloc), factory.name(), threads, m, UNIT,
                                "n/a: not thread-safe"));
                        continue;
                    }
                    measure(factory, budget, progress, threads, m, realloc, variants).forEach(out);
                }
            }
        }
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * One configuration in each of {@code variants}: a warm-up run of each, then {@code budget.trials()} rounds
     * of one trial per variant, the order rotating from round to round. One row per variant, and the ratio
     * row when both variants ran.
     */
    private List<Row> measure(AllocatorFactory factory, Params.Budget budget, Progress progress, int threads, int m,
                              boolean realloc, List<Variant> variants) throws Exception {
        int n = variants.size();
        String first = String.format(Locale.ROOT, "%-39s t=%d M=%-5d", variants.get(0).benchmark(realloc), threads, m);
        if (firstRunInThisJvm && budget.firstWarmupNanos() > 0) {
            progress.line(first + " JIT warm-up " + budget.firstWarmupNanos() / 1_000_000 + " ms over every M, with and"
                    + " without realloc");
            jitWarmUp(factory, threads, variants.get(0), budget.firstWarmupNanos());
        }
        firstRunInThisJvm = false;
        if (budget.warmupNanos() > 0) {
            for (Variant v : variants) {
                trial(factory, threads, m, realloc, v, budget.warmupNanos());
            }
        }
        long[][] scores = new long[n][budget.trials()];
        long[] failures = new long[n];
        for (int i = 0; i < budget.trials(); i++) {
            for (int k = 0; k < n; k++) {
                int v = (i + k) % n; // alternate which variant runs first
                long[] result = trial(factory, threads, m, realloc, variants.get(v), budget.durationNanos());
                scores[v][i] = result[0];
                failures[v] += result[1];
            }
        }
        double scale = (double) Params.RA_DURATION_NANOS / budget.durationNanos();
        List<Row> rows = new ArrayList<>();
        double[] means = new double[n];
        for (int v = 0; v < n; v++) {
            String benchmark = variants.get(v).benchmark(realloc);
            String what = String.format(Locale.ROOT, "%-39s t=%d M=%-5d", benchmark, threads, m);
            means[v] = Arrays.stream(scores[v]).average().orElse(Double.NaN) * scale;
            StringBuilder note = new StringBuilder("trials:");
            for (long s : scores[v]) {
                note.append(' ').append(Row.human(s * scale));
            }
            if (failures[v] > 0) {
                note.append("; ").append(failures[v]).append(" failed allocations/reallocs (not counted)");
            }
            progress.line(String.format(Locale.ROOT, "%s %8s %s  (%s)", what, Row.human(means[v]), UNIT, note));
            rows.add(Row.of(benchmark, factory.name(), threads, m, means[v], UNIT, note.toString()));
        }
        if (n == 2) {
            double[] ratios = new double[budget.trials()];
            StringBuilder note = new StringBuilder("median over trials of align16 / standard; per trial:");
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = scores[1][i] / (double) scores[0][i];
                note.append(String.format(Locale.ROOT, " %.3f", ratios[i]));
            }
            double ratio = ForkMedian.median(ratios);
            String what = String.format(Locale.ROOT, "%-39s t=%d M=%-5d", ratioName(realloc), threads, m);
            progress.line(String.format(Locale.ROOT, "%s %8.3f %s  (%s)", what, ratio, RATIO_UNIT, note));
            rows.add(Row.of(ratioName(realloc), factory.name(), threads, m, ratio, RATIO_UNIT, note.toString()));
        }
        return rows;
    }

    /**
     * One run on a fresh allocator.
     *
     * @return {score summed over threads, failed operations summed over threads}
     */
    static long[] trial(AllocatorFactory factory, int threads, int m, boolean realloc, Variant variant,
                        long durationNanos) throws Exception {
        try (BenchAllocator a = factory.create().create(ARENA_BYTES)) {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            long[] failures = new long[threads];
            long[] scores = Workers.runOnAll(threads, t -> {
                LiveBlocks live = live(t);
                Wyrand rng = new Wyrand(SEED + t);
                barrier.await();
                long[] result = runActions(a, m, realloc, variant, durationNanos, rng, live);
                live.freeAll(a); // not timed; on the thread that allocated (confined arenas need that)
                failures[t] = result[1];
                return result[0];
            });
            return new long[] {Arrays.stream(scores).sum(), Arrays.stream(failures).sum()};
        }
    }

    /**
     * The first warm-up of a JVM: {@code nanos} spread over every max size, with and without realloc, so that the
     * JIT has compiled the paths of small and large blocks and of realloc before the first scored trial. (Warmed
     * up at the first configuration only, M = 200, the first trials at M = 1000 and 3000 ran at half speed while
     * the paths of larger blocks were compiled: 1.30M against 2.53M operations in one quick run.)
     */
    static void jitWarmUp(AllocatorFactory factory, int threads, Variant variant, long nanos) throws Exception {
        long each = Math.max(1, nanos / (2L * Params.RA_MAX_SIZES.size()));
        for (boolean realloc : new boolean[] {true, false}) {
            for (int m : Params.RA_MAX_SIZES) {
                trial(factory, threads, m, realloc, variant, each);
            }
        }
    }

    private static synchronized LiveBlocks live(int thread) {
        if (LIVE[thread] == null) {
            LIVE[thread] = new LiveBlocks(RA_LIVE_CAPACITY);
        }
        return LIVE[thread];
    }

    /**
     * The measured loop: batches of {@link Params#RA_BATCH} actions until {@code durationNanos} have passed.
     * Allocates no Java objects. Every variant runs this same code; only {@code minAlign} differs.
     *
     * @return {successful operations, failed operations}
     */
    static long[] runActions(BenchAllocator a, int m, boolean realloc, Variant variant, long durationNanos,
                             Wyrand rng, LiveBlocks live) {
        final int actions = realloc ? Params.RA_ACTIONS_WITH_REALLOC : Params.RA_ACTIONS_NO_REALLOC;
        final long minAlign = variant.minAlign();
        final long[] handles = live.handles;
        final long[] sizes = live.sizes;
        final long[] aligns = live.aligns;
        final int capacity = handles.length;
        final long reallocMax = (long) RA_REALLOC_FACTOR * m;
        int n = live.count;
        long score = 0;
        long failed = 0;
        final long start = System.nanoTime();
        while (System.nanoTime() - start < durationNanos) {
            for (int i = 0; i < RA_BATCH; i++) {
                int action = rng.below(actions);
                if (action == 6) {
                    if (n > 0) {
                        int k = rng.below(n);
                        long newSize = rng.range(1, reallocMax);
                        long moved = a.reallocate(handles[k], sizes[k], aligns[k], newSize);
                        if (moved != BenchAllocator.FAILED) {
                            handles[k] = moved;
                            sizes[k] = newSize;
                            score++;
                        } else {
                            failed++;
                        }
                    }
                } else if ((action < RA_ALLOCATE_BELOW || n < RA_MIN_LIVE) && n < capacity) {
                    long size = rng.size(m);
                    long align = Math.max(rng.alignment(), minAlign);
                    long h = a.allocate(size, align);
                    if (h != BenchAllocator.FAILED) {
                        a.touch(h, 0, (byte) 0x5A);
                        a.touch(h, size - 1, (byte) 0xA5);
                        handles[n] = h;
                        sizes[n] = size;
                        aligns[n] = align;
                        n++;
                        score++;
                    } else {
                        failed++;
                    }
                } else {
                    int k = rng.below(n);
                    a.free(handles[k], sizes[k], aligns[k]);
                    n--;
                    handles[k] = handles[n];
                    sizes[k] = sizes[n];
                    aligns[k] = aligns[n];
                    score++;
                }
            }
        }
        live.count = n;
        return new long[] {score, failed};
    }
}

package dev.talc.bench.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
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
 *   a &lt; 3  or  live &lt; 300       → allocate size(M), alignment(); write its first and last byte
 *   otherwise                     → free a random live block (swap-remove)
 * </pre>
 * With equal odds of allocating and freeing the live count performs a random walk above 300, so the heap
 * neither empties nor grows without bound. Each configuration (M, threads, realloc) gets an unscored warm-up
 * run, then {@code trials} scored runs, each on a fresh allocator; the score is the mean over trials of the
 * operations summed over threads. With 2 threads both share one thread-safe instance and start together at a
 * barrier; each has its own live list and generator (seed 42 + thread index). The measured loop allocates
 * nothing: primitive arrays, a primitive generator, a clock read per batch.
 */
public final class RandomActions implements Workload {

    /** Benchmark name with realloc. */
    public static final String NAME = "random_actions";
    /** Benchmark name without realloc. */
    public static final String NAME_NO_REALLOC = "random_actions_no_realloc";
    /** Unit of the score. */
    public static final String UNIT = "ops/200ms";

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
                String benchmark = realloc ? NAME : NAME_NO_REALLOC;
                for (int m : budget.maxSizes(threads, realloc)) {
                    if (threads > 1 && !factory.threadSafe()) {
                        out.accept(Row.missing(benchmark, factory.name(), threads, m, UNIT, "n/a: not thread-safe"));
                        continue;
                    }
                    out.accept(measure(factory, budget, progress, benchmark, threads, m, realloc));
                }
            }
        }
    }

    private Row measure(AllocatorFactory factory, Params.Budget budget, Progress progress, String benchmark,
                        int threads, int m, boolean realloc) throws Exception {
        String what = String.format(Locale.ROOT, "%-26s t=%d M=%-5d", benchmark, threads, m);
        if (firstRunInThisJvm && budget.firstWarmupNanos() > 0) {
            progress.line(what + " JIT warm-up " + budget.firstWarmupNanos() / 1_000_000 + " ms over every M, with and"
                    + " without realloc");
            jitWarmUp(factory, threads, budget.firstWarmupNanos());
        }
        firstRunInThisJvm = false;
        if (budget.warmupNanos() > 0) {
            trial(factory, threads, m, realloc, budget.warmupNanos());
        }
        long[] scores = new long[budget.trials()];
        long failures = 0;
        for (int i = 0; i < scores.length; i++) {
            long[] result = trial(factory, threads, m, realloc, budget.durationNanos());
            scores[i] = result[0];
            failures += result[1];
        }
        double mean = Arrays.stream(scores).average().orElse(Double.NaN);
        double perDesignDuration = mean * Params.RA_DURATION_NANOS / budget.durationNanos();
        StringBuilder note = new StringBuilder("trials:");
        for (long s : scores) {
            note.append(' ').append(Row.human(s * (double) Params.RA_DURATION_NANOS / budget.durationNanos()));
        }
        if (failures > 0) {
            note.append("; ").append(failures).append(" failed allocations/reallocs (not counted)");
        }
        progress.line(String.format(Locale.ROOT, "%s %8s %s  (%s)", what, Row.human(perDesignDuration), UNIT, note));
        return Row.of(benchmark, factory.name(), threads, m, perDesignDuration, UNIT, note.toString());
    }

    /**
     * One run on a fresh allocator.
     *
     * @return {score summed over threads, failed operations summed over threads}
     */
    static long[] trial(AllocatorFactory factory, int threads, int m, boolean realloc, long durationNanos)
            throws Exception {
        try (BenchAllocator a = factory.create().create(ARENA_BYTES)) {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            long[] failures = new long[threads];
            long[] scores = Workers.runOnAll(threads, t -> {
                LiveBlocks live = live(t);
                Wyrand rng = new Wyrand(SEED + t);
                barrier.await();
                long[] result = runActions(a, m, realloc, durationNanos, rng, live);
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
    static void jitWarmUp(AllocatorFactory factory, int threads, long nanos) throws Exception {
        long each = Math.max(1, nanos / (2L * Params.RA_MAX_SIZES.size()));
        for (boolean realloc : new boolean[] {true, false}) {
            for (int m : Params.RA_MAX_SIZES) {
                trial(factory, threads, m, realloc, each);
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
     * Allocates no Java objects.
     *
     * @return {successful operations, failed operations}
     */
    static long[] runActions(BenchAllocator a, int m, boolean realloc, long durationNanos, Wyrand rng,
                             LiveBlocks live) {
        final int actions = realloc ? Params.RA_ACTIONS_WITH_REALLOC : Params.RA_ACTIONS_NO_REALLOC;
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
                    long align = rng.alignment();
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

package dev.talc.bench.workload;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.report.Row;

import static dev.talc.bench.workload.Params.ARENA_BYTES;
import static dev.talc.bench.workload.Params.MB_FREE_BATCH;
import static dev.talc.bench.workload.Params.MB_MAX_LIVE;
import static dev.talc.bench.workload.Params.MB_MAX_SIZE;
import static dev.talc.bench.workload.Params.MB_MIN_LIVE;
import static dev.talc.bench.workload.Params.MB_PERCENTILES;

/**
 * Per-operation latency percentiles of allocate and free (Talc's microbench.rs), in a mixed workload and
 * under heap pressure.
 *
 * <p>Design note. Each operation is timed alone with {@link System#nanoTime()}; the median cost of two
 * back-to-back clock reads (the timer overhead, measured first) is subtracted from every sample, clamped at
 * 0, and the output says how much that was. Samples go into preallocated {@code long[]}s, then are sorted;
 * the p-th percentile is the nearest-rank sample. (JMH SampleTime would time batches, not single calls; the
 * JMH benchmarks in {@code dev.talc.bench.jmh} give the averages.)
 * <ul>
 * <li><b>Mixed</b> (as microbench.rs): after a warm-up of allocate/free pairs (on another instance), allocate size(65536) with
 *     alignment(); when more than 50 blocks are live and U[0,10) == 0, or more than 600 are, free 8 random
 *     ones. Only successful allocations are recorded; on a failure, all but 50 blocks are freed.</li>
 * <li><b>Under pressure</b> (arena-based allocators only): allocate until the first failure, then repeat
 *     "free a random block, allocate a new one", recording both; failed allocations are recorded too (a
 *     failure near exhaustion is what pressure costs), and their share is in the note.</li>
 * </ul>
 */
public final class Microbench implements Workload {

    /** Benchmark name prefix of the mixed rows: {@code microbench_allocate_p50} etc. */
    public static final String NAME = "microbench";
    /** Benchmark name prefix of the rows under heap pressure. */
    public static final String NAME_PRESSURE = "microbench_pressure";
    /** Unit of the scores. */
    public static final String UNIT = "ns";

    private static final int WARMUP_PAIRS = 10_000;

    @Override
    public String name() {
        return NAME;
    }

    /** The benchmark name of one percentile row, e.g. {@code microbench_allocate_p99.9}, {@code ..._max}. */
    public static String rowName(boolean pressure, String operation, double percentile) {
        String p = percentile >= 100 ? "max" : "p" + (percentile == Math.rint(percentile)
                ? Long.toString((long) percentile) : Double.toString(percentile));
        return (pressure ? NAME_PRESSURE : NAME) + "_" + operation + "_" + p;
    }

    @Override
    public void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out)
            throws Exception {
        long overhead = timerOverhead();
        String timerNote = "System.nanoTime per op, timer overhead " + overhead + " ns subtracted";
        progress.line(String.format(Locale.ROOT, "%-26s timer overhead %d ns (subtracted from every sample)", NAME,
                overhead));

        long[] allocs = new long[budget.microOps()];
        long[] frees = new long[budget.microOps() + MB_MAX_LIVE + MB_FREE_BATCH];
        Wyrand rng = new Wyrand(Params.SEED);
        try (BenchAllocator warm = factory.create().create(ARENA_BYTES)) {
            warmUp(warm); // on its own instance, so a bump pointer still has its whole arena for the samples
        }
        try (BenchAllocator a = factory.create().create(ARENA_BYTES)) {
            long[] counts = mixed(a, rng, MB_MAX_SIZE, new LiveBlocks(MB_MAX_LIVE + MB_FREE_BATCH + 1), allocs, frees,
                    null, overhead);
            String note = timerNote + (counts[2] > 0 ? "; stopped after " + counts[0]
                    + " allocations: freed memory is not reused" : "");
            report(out, progress, factory.name(), false, "allocate", allocs, (int) counts[0], note);
            report(out, progress, factory.name(), false, "free", frees, (int) counts[1], note);
        }

        if (!factory.arenaBased()) {
            for (String op : List.of("allocate", "free")) {
                for (double p : MB_PERCENTILES) {
                    out.accept(Row.missing(rowName(true, op, p), factory.name(), 1, MB_MAX_SIZE, UNIT,
                            "n/a: no fixed arena to exhaust (memory from the OS)"));
                }
            }
            return;
        }
        long[] pAllocs = new long[budget.pressureOps()];
        long[] pFrees = new long[budget.pressureOps()];
        try (BenchAllocator a = factory.create().create(ARENA_BYTES)) {
            long[] result = pressure(a, rng, new LiveBlocks(Params.MB_PRESSURE_LIVE_CAPACITY), pAllocs, pFrees, overhead);
            String note = String.format(Locale.ROOT, "%s; filled to first failure with %d blocks; %.1f%% of allocations"
                    + " failed under pressure", timerNote, result[0], 100.0 * result[1] / pAllocs.length);
            report(out, progress, factory.name(), true, "allocate", pAllocs, pAllocs.length, note);
            report(out, progress, factory.name(), true, "free", pFrees, pFrees.length, note);
        }
    }

    private static void report(Consumer<Row> out, Progress progress, String allocator, boolean pressure,
                               String operation, long[] samples, int count, String note) {
        Arrays.sort(samples, 0, count);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s %-8s n=%-8d",
                pressure ? NAME_PRESSURE : NAME, operation, count));
        for (double p : MB_PERCENTILES) {
            String name = rowName(pressure, operation, p);
            if (count == 0) {
                out.accept(Row.missing(name, allocator, 1, MB_MAX_SIZE, UNIT, "no samples"));
                continue;
            }
            long value = percentile(samples, count, p);
            out.accept(Row.of(name, allocator, 1, MB_MAX_SIZE, value, UNIT, note));
            line.append(' ').append(name.substring(name.lastIndexOf('_') + 1)).append('=').append(value);
        }
        progress.line(line + " ns");
    }

    /** Nearest-rank percentile of the first {@code count} (sorted) samples; 100 gives the maximum. */
    static long percentile(long[] sorted, int count, double percent) {
        int rank = (int) Math.ceil(percent / 100 * count);
        return sorted[Math.min(count - 1, Math.max(0, rank - 1))];
    }

    /** The median cost of {@code System.nanoTime()} read twice in a row, in ns. */
    static long timerOverhead() {
        long[] d = new long[200_001];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            for (int i = 0; i < d.length; i++) {
                long t0 = System.nanoTime();
                long t1 = System.nanoTime();
                d[i] = t1 - t0;
            }
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    private static void warmUp(BenchAllocator a) {
        for (int i = 1; i < WARMUP_PAIRS; i++) {
            long size = i * 8L;
            long h = a.allocate(size, 8);
            if (h == BenchAllocator.FAILED) {
                continue;
            }
            a.touch(h, 0, (byte) 1);
            a.free(h, size, 8);
        }
    }

    /**
     * The mixed workload with sizes below {@code maxSize}, recording {@code allocs.length} successful allocations.
     * If {@code requests} is not null, it gets each recorded allocation's and free's block: {@code requests[0]}
     * and {@code [1]} the sizes and alignments of the allocations, {@code [2]} and {@code [3]} of the frees.
     *
     * @return {allocations recorded, frees recorded, 1 if stopped early because freed memory is not reused}
     */
    static long[] mixed(BenchAllocator a, Wyrand rng, long maxSize, LiveBlocks live, long[] allocs, long[] frees,
                        long[][] requests, long overhead) {
        int na = 0;
        int nf = 0;
        boolean failedBefore = false;
        while (na < allocs.length) {
            long size = rng.size(maxSize);
            long align = rng.alignment();
            long t0 = System.nanoTime();
            long h = a.allocate(size, align);
            long t1 = System.nanoTime();
            if (h == BenchAllocator.FAILED) {
                if (failedBefore) { // failed again right after freeing: this allocator does not reuse memory
                    live.freeAll(a);
                    return new long[] {na, nf, 1};
                }
                while (live.count > MB_MIN_LIVE) {
                    live.free(a, live.count - 1);
                }
                failedBefore = true;
                continue;
            }
            failedBefore = false;
            if (requests != null) {
                requests[0][na] = size;
                requests[1][na] = align;
            }
            allocs[na++] = Math.max(0, t1 - t0 - overhead);
            a.touch(h, 0, (byte) 1);
            live.add(h, size, align);
            if ((live.count > MB_MIN_LIVE && rng.below(10) == 0) || live.count > MB_MAX_LIVE) {
                for (int i = 0; i < MB_FREE_BATCH; i++) {
                    int k = rng.below(live.count);
                    long fh = live.handles[k];
                    long fs = live.sizes[k];
                    long fa = live.aligns[k];
                    long f0 = System.nanoTime();
                    a.free(fh, fs, fa);
                    long f1 = System.nanoTime();
                    if (requests != null) {
                        requests[2][nf] = fs;
                        requests[3][nf] = fa;
                    }
                    frees[nf++] = Math.max(0, f1 - f0 - overhead);
                    int last = --live.count;
                    live.handles[k] = live.handles[last];
                    live.sizes[k] = live.sizes[last];
                    live.aligns[k] = live.aligns[last];
                }
            }
        }
        live.freeAll(a);
        return new long[] {na, nf, 0};
    }

    /**
     * Fills the heap to the first failure, then records {@code allocs.length} pairs of "free a random block,
     * allocate a new one".
     *
     * @return {blocks live at the first failure, failed allocations among the recorded ones}
     */
    static long[] pressure(BenchAllocator a, Wyrand rng, LiveBlocks live, long[] allocs, long[] frees, long overhead) {
        while (live.count < live.capacity()) {
            long size = rng.size(MB_MAX_SIZE);
            long align = rng.alignment();
            long h = a.allocate(size, align);
            if (h == BenchAllocator.FAILED) {
                break;
            }
            live.add(h, size, align);
        }
        long filled = live.count;
        long failures = 0;
        for (int i = 0; i < allocs.length; i++) {
            long f0 = 0;
            long f1 = 0;
            if (live.count > 0) {
                int k = rng.below(live.count);
                long fh = live.handles[k];
                long fs = live.sizes[k];
                long fa = live.aligns[k];
                f0 = System.nanoTime();
                a.free(fh, fs, fa);
                f1 = System.nanoTime();
                int last = --live.count;
                live.handles[k] = live.handles[last];
                live.sizes[k] = live.sizes[last];
                live.aligns[k] = live.aligns[last];
            }
            frees[i] = Math.max(0, f1 - f0 - overhead);
            long size = rng.size(MB_MAX_SIZE);
            long align = rng.alignment();
            long t0 = System.nanoTime();
            long h = a.allocate(size, align);
            long t1 = System.nanoTime();
            allocs[i] = Math.max(0, t1 - t0 - overhead);
            if (h == BenchAllocator.FAILED) {
                failures++;
            } else {
                live.add(h, size, align);
            }
        }
        live.freeAll(a);
        return new long[] {filled, failures};
    }
}

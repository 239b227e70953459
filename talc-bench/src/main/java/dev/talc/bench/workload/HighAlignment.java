package dev.talc.bench.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.report.Row;

import static dev.talc.bench.workload.Params.ARENA_BYTES;
import static dev.talc.bench.workload.Params.HA_COUNT;
import static dev.talc.bench.workload.Params.HA_HIGH_ALIGN;
import static dev.talc.bench.workload.Params.HA_HIGH_SIZE;
import static dev.talc.bench.workload.Params.HA_LOW_ALIGN;
import static dev.talc.bench.workload.Params.HA_LOW_SIZE;

/**
 * High alignment (Talc's high_alignment_test.rs, which guards against the pathological slowness Talc's
 * issue tracker reported for page alignment): the time to allocate 16384 blocks and then free them all,
 * for 4096-byte blocks aligned to 8 and for 1-byte blocks aligned to 4096; the ratio of the two times
 * shows what high alignment costs.
 *
 * <p>Design note. Each case runs on its own fresh allocator: one unscored run, then {@code alignmentReps}
 * timed runs on the same instance (everything is freed between runs); the median is reported, in
 * milliseconds, and the ratio {@code align4096 / align8}. A run in which an allocation fails (a bump pointer
 * that never reuses memory) is discarded, the allocator re-created and the run repeated once; the note
 * says so.
 */
public final class HighAlignment implements Workload {

    /** The workload's name. */
    public static final String WORKLOAD_NAME = "high_alignment";
    /** Benchmark name of the low-alignment time. */
    public static final String NAME_LOW = "high_alignment_align8";
    /** Benchmark name of the high-alignment time. */
    public static final String NAME_HIGH = "high_alignment_align4096";
    /** Benchmark name of the ratio. */
    public static final String NAME_RATIO = "high_alignment_ratio";
    /** The size column of all three rows. */
    public static final long MAX_SIZE = 4096;

    @Override
    public String name() {
        return WORKLOAD_NAME;
    }

    @Override
    public void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out)
            throws Exception {
        long[] handles = new long[HA_COUNT];
        int[] recreated = new int[1];
        double low = medianMillis(factory, budget.alignmentReps(), HA_LOW_SIZE, HA_LOW_ALIGN, handles, recreated);
        double high = medianMillis(factory, budget.alignmentReps(), HA_HIGH_SIZE, HA_HIGH_ALIGN, handles, recreated);
        String note = "median of " + budget.alignmentReps() + " runs of " + HA_COUNT + " allocations + frees"
                + (recreated[0] > 0 ? "; re-created " + recreated[0] + " times (freed memory is not reused)" : "");
        String why = "failed: out of memory on a fresh allocator";
        out.accept(Double.isNaN(low) ? Row.missing(NAME_LOW, factory.name(), 1, MAX_SIZE, "ms", why)
                : Row.of(NAME_LOW, factory.name(), 1, MAX_SIZE, low, "ms", note));
        out.accept(Double.isNaN(high) ? Row.missing(NAME_HIGH, factory.name(), 1, MAX_SIZE, "ms", why)
                : Row.of(NAME_HIGH, factory.name(), 1, MAX_SIZE, high, "ms", note));
        if (Double.isNaN(low) || Double.isNaN(high)) {
            out.accept(Row.missing(NAME_RATIO, factory.name(), 1, MAX_SIZE, "x", why));
            progress.line("high_alignment             " + why);
            return;
        }
        out.accept(Row.of(NAME_RATIO, factory.name(), 1, MAX_SIZE, high / low, "x", note));
        progress.line(String.format(Locale.ROOT, "%-26s align8 %.3f ms, align4096 %.3f ms, ratio %.2fx  (%s)",
                "high_alignment", low, high, high / low, note));
    }

    /** Median time of {@code reps} runs after one unscored run, or NaN if even a fresh allocator fails. */
    private static double medianMillis(AllocatorFactory factory, int reps, long size, long align, long[] handles,
                                       int[] recreated) throws Exception {
        long[] times = new long[reps];
        BenchAllocator a = factory.create().create(ARENA_BYTES);
        try {
            for (int rep = -1; rep < reps; rep++) {
                long t = timedRun(a, size, align, handles);
                if (t < 0) {
                    a.close();
                    a = factory.create().create(ARENA_BYTES);
                    recreated[0]++;
                    t = timedRun(a, size, align, handles);
                    if (t < 0) {
                        return Double.NaN;
                    }
                }
                if (rep >= 0) {
                    times[rep] = t;
                }
            }
        } finally {
            a.close();
        }
        Arrays.sort(times);
        return times[reps / 2] / 1e6;
    }

    /** Allocates {@code HA_COUNT} blocks, then frees them all; the nanoseconds taken, or -1 if one failed. */
    static long timedRun(BenchAllocator a, long size, long align, long[] handles) {
        long start = System.nanoTime();
        for (int i = 0; i < handles.length; i++) {
            long h = a.allocate(size, align);
            if (h == BenchAllocator.FAILED) {
                for (int j = 0; j < i; j++) {
                    a.free(handles[j], size, align);
                }
                return -1;
            }
            handles[i] = h;
        }
        for (int i = 0; i < handles.length; i++) {
            a.free(handles[i], size, align);
        }
        return System.nanoTime() - start;
    }
}

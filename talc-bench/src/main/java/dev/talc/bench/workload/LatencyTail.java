package dev.talc.bench.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntPredicate;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;

/**
 * Where the latency tail of the mixed microbenchmark lies: the {@link Microbench} mixed workload for one
 * allocator, then for allocate and for free the p50 / p90 / p99 and, per class of request size and of
 * alignment, the share of calls slower than 3 × p50 (the bound on p99).
 *
 * <p>Design note. A tail that one kind of request causes (a slow path for high alignment, a search for large
 * sizes) shows as one class with a much larger share than the others; a tail spread evenly over every class
 * is the cost of touching memory, which every kind of request pays alike. The maximum size is a parameter so
 * that the same run with a small working set (every block's lines in the cache) can be set beside the
 * standard one. One allocator per JVM, as in the published run, so call sites stay monomorphic.
 */
public final class LatencyTail {

    private static final long[] SIZE_CLASSES = {1024, 8192, 32768, Long.MAX_VALUE};

    private LatencyTail() {
    }

    /**
     * Runs {@code allocations} allocations of the mixed workload, sizes below {@code maxSize}, and returns the
     * report.
     */
    public static String run(AllocatorFactory factory, long maxSize, int allocations) throws Exception {
        long overhead = Microbench.timerOverhead();
        long[] allocs = new long[allocations];
        long[] frees = new long[allocations + Params.MB_MAX_LIVE + Params.MB_FREE_BATCH];
        long[][] requests = {new long[allocs.length], new long[allocs.length], new long[frees.length],
                new long[frees.length]};
        long[] counts = null;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT and is not reported
            try (BenchAllocator a = factory.create().create(Params.ARENA_BYTES)) {
                counts = Microbench.mixed(a, new Wyrand(Params.SEED + pass), maxSize,
                        new LiveBlocks(Params.MB_MAX_LIVE + Params.MB_FREE_BATCH + 1), allocs, frees, requests,
                        overhead);
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s, mixed workload, sizes below %d B, timer overhead %d ns subtracted%n", factory.name(), maxSize,
                overhead));
        out.append(section("allocate", allocs, (int) counts[0], requests[0], requests[1]));
        out.append(section("free", frees, (int) counts[1], requests[2], requests[3]));
        return out.toString();
    }

    private static String section(String operation, long[] samples, int count, long[] sizes, long[] aligns) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        long p50 = Microbench.percentile(sorted, count, 50);
        long bound = 3 * Math.max(p50, 1);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n%s: n=%d p50=%d p90=%d p99=%d ns; slower than 3 x p50 (%d ns): %.1f%% of calls%n", operation, count,
                p50, Microbench.percentile(sorted, count, 90), Microbench.percentile(sorted, count, 99), bound,
                100.0 * slower(samples, count, bound, i -> true) / count));
        out.append(String.format(Locale.ROOT, "  %-22s %10s %12s%n", "class", "calls", "> 3 x p50"));
        long low = 0;
        for (long high : SIZE_CLASSES) {
            long lo = low;
            String name = high == Long.MAX_VALUE ? "size > " + lo + " B" : "size " + lo + "-" + high + " B";
            out.append(row(name, samples, count, bound, i -> sizes[i] > lo && sizes[i] <= high));
            low = high;
        }
        out.append(row("alignment <= 16", samples, count, bound, i -> aligns[i] <= 16));
        out.append(row("alignment 32-64", samples, count, bound, i -> aligns[i] > 16 && aligns[i] <= 64));
        out.append(row("alignment >= 128", samples, count, bound, i -> aligns[i] > 64));
        return out.toString();
    }

    private static String row(String name, long[] samples, int count, long bound, IntPredicate inClass) {
        long calls = 0;
        for (int i = 0; i < count; i++) {
            if (inClass.test(i)) {
                calls++;
            }
        }
        long slow = slower(samples, count, bound, inClass);
        return String.format(Locale.ROOT, "  %-22s %10d %11.1f%%%n", name, calls, calls == 0 ? 0 : 100.0 * slow / calls);
    }

    private static long slower(long[] samples, int count, long bound, IntPredicate inClass) {
        long slow = 0;
        for (int i = 0; i < count; i++) {
            if (samples[i] > bound && inClass.test(i)) {
                slow++;
            }
        }
        return slow;
    }
}

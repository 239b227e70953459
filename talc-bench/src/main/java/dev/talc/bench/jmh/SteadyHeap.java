package dev.talc.bench.jmh;

import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.Wyrand;

/**
 * A heap in steady state for the JMH benchmarks: {@value #LIVE} live blocks with sizes and alignments drawn
 * as in random actions (M = {@value #MAX_SIZE}), held in primitive arrays; operations replace or resize a
 * random one of them, so the heap keeps its size and the benchmark allocates no Java objects.
 */
final class SteadyHeap {

    static final int LIVE = 1000;
    static final int MAX_SIZE = 1000;

    final BenchAllocator a;
    final Wyrand rng = new Wyrand(Params.SEED);
    final long[] handles = new long[LIVE];
    final long[] sizes = new long[LIVE];
    final long[] aligns = new long[LIVE];

    SteadyHeap(BenchAllocator a) {
        this.a = a;
        for (int i = 0; i < LIVE; i++) {
            sizes[i] = rng.size(MAX_SIZE);
            aligns[i] = rng.alignment();
            handles[i] = a.allocate(sizes[i], aligns[i]);
            if (handles[i] == BenchAllocator.FAILED) {
                throw new IllegalStateException(a.name() + ": out of memory filling the steady heap");
            }
        }
    }

    /** Frees a random block and allocates a new random one in its place. */
    long replace() {
        int k = rng.below(LIVE);
        a.free(handles[k], sizes[k], aligns[k]);
        long size = rng.size(MAX_SIZE);
        long align = rng.alignment();
        long h = a.allocate(size, align);
        handles[k] = h;
        sizes[k] = size;
        aligns[k] = align;
        return h;
    }

    /** Resizes a random block to U[1, 3 * MAX_SIZE) (in place where the allocator can). */
    long reallocate() {
        int k = rng.below(LIVE);
        long newSize = rng.range(1, 3L * MAX_SIZE);
        long h = a.reallocate(handles[k], sizes[k], aligns[k], newSize);
        if (h != BenchAllocator.FAILED) {
            handles[k] = h;
            sizes[k] = newSize;
        }
        return h;
    }

    void freeAll() {
        for (int i = 0; i < LIVE; i++) {
            a.free(handles[i], sizes[i], aligns[i]);
        }
    }
}

package dev.talc.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Single operations in a steady heap of 1000 live blocks (sizes for M = 1000, random alignments): free a
 * random block and allocate a new one in its place ({@code replace}, one free + one allocate per op), or
 * resize a random block to U[1, 3000) ({@code realloc}, in place when the allocator can).
 *
 * <p>Design note: the random choices come from the same wyrand generator as the workloads, held in the
 * state, so each op allocates no Java object of its own; with {@code -prof gc} the allocation rate per op
 * is what the allocator itself allocates (~0 B/op for Talc's raw API).
 */
public class SteadyHeapBenchmark extends AllocatorBenchmark {

    private SteadyHeap heap;

    /** Fills the heap. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        heap = new SteadyHeap(JmhAllocators.create(allocator));
    }

    /** Frees everything and releases the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        heap.freeAll();
        heap.a.close();
    }

    /** Free a random live block, allocate a new random one in its place. */
    @Benchmark
    public long replace() {
        return heap.replace();
    }

    /** Resize a random live block to U[1, 3000). */
    @Benchmark
    public long realloc() {
        return heap.reallocate();
    }
}

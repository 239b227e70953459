package dev.talc.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import dev.talc.bench.alloc.BenchAllocator;

/**
 * One allocate + free pair of a fixed size and alignment 8, on an otherwise empty allocator: the shortest
 * path each allocator has (Talc: its quick bins up to 1 KiB, the bins above).
 *
 * <p>Design note: calls go through {@link BenchAllocator}, which for Talc is the raw offset API with nothing
 * added, so {@code -prof gc} shows what the raw API allocates ({@code gc.alloc.rate.norm} ~ 0 B/op). One
 * fork per parameter set keeps the call sites monomorphic.
 */
public class AllocateFreeBenchmark extends AllocatorBenchmark {

    /** Block size in bytes. */
    @Param({"16", "256", "4096"})
    public long size;

    private BenchAllocator a;

    /** Makes the allocator. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        a = JmhAllocators.create(allocator);
    }

    /** Releases it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
    }

    /** Allocates a block and frees it at once. */
    @Benchmark
    public long allocateFree() {
        long h = a.allocate(size, 8);
        a.free(h, size, 8);
        return h;
    }
}

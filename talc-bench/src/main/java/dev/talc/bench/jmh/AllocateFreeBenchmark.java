package dev.talc.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.talc.bench.alloc.BenchAllocator;

/**
 * One allocate + free pair of a fixed size and alignment 8, on an otherwise empty allocator: the shortest
 * path each allocator has (Talc: its quick bins up to 1 KiB, the bins above).
 *
 * <p>Design note: calls go through {@link BenchAllocator}, which for Talc is the raw offset API with nothing
 * added, so {@code -prof gc} shows what the raw API allocates ({@code gc.alloc.rate.norm} ~ 0 B/op). One
 * fork per parameter set keeps the call sites monomorphic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AllocateFreeBenchmark {

    /** Allocator id (see {@code list}). */
    @Param({"talc", "concurrenttalc", "concurrenttalc-global-lock", "one-nio-malloc", "terracotta", "netty-pooled",
        "jdk-malloc-ffm", "jemalloc-lwjgl", "mimalloc-lwjgl"})
    public String allocator;

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

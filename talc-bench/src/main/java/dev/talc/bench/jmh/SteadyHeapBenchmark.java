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

/**
 * Single operations in a steady heap of 1000 live blocks (sizes for M = 1000, random alignments): free a
 * random block and allocate a new one in its place ({@code replace}, one free + one allocate per op), or
 * resize a random block to U[1, 3000) ({@code realloc}, in place when the allocator can).
 *
 * <p>Design note: the random choices come from the same wyrand generator as the workloads, held in the
 * state, so each op allocates no Java object of its own; with {@code -prof gc} the allocation rate per op
 * is what the allocator itself allocates (~0 B/op for Talc's raw API).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SteadyHeapBenchmark {

    /** Allocator id (see {@code list}). */
    @Param({"talc", "concurrenttalc", "concurrenttalc-global-lock", "one-nio-malloc", "terracotta", "netty-pooled",
        "jdk-malloc-ffm", "jemalloc-lwjgl", "mimalloc-lwjgl"})
    public String allocator;

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

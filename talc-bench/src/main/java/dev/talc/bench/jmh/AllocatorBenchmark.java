package dev.talc.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the JMH benchmarks share, inherited by each of them: the allocators they compare and how they are run
 * (warm-up, measurement, one fork per parameter set).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public abstract class AllocatorBenchmark {

    /** Allocator id (see {@code list}). */
    @Param({"talc", "concurrenttalc", "concurrenttalc-global-lock", "one-nio-malloc", "terracotta", "netty-pooled",
        "jdk-malloc-ffm", "jemalloc-lwjgl", "mimalloc-lwjgl"})
    public String allocator;
}

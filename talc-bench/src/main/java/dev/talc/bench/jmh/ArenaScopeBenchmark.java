package dev.talc.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;
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

import dev.talc.ConcurrentTalc;
import dev.talc.Talc;
import dev.talc.TalcAllocator;

/**
 * One FFM scope per operation, modelled on the JDK's own FFM allocation benchmark: open an arena, allocate
 * {@code count} segments of {@code size} bytes (alignment 8), write one long into each, close. Kinds, one
 * benchmark method each (so each fork's call sites see one arena class):
 * <ul>
 * <li>{@code talc}, {@code concurrentTalc}: {@link TalcAllocator#newArena()} over 64 MiB;</li>
 * <li>{@code confined}, {@code shared}: {@link Arena#ofConfined()}, {@link Arena#ofShared()};</li>
 * <li>{@code calloc}: an arena over {@code calloc}/{@code free} downcalls ({@link CallocArena});</li>
 * <li>{@code slicing}: the bump-pointer floor, a session per scope slicing one reused block
 *     ({@link SlicingArena});</li>
 * <li>{@code memoryStack}: LWJGL's {@code MemoryStack} push, {@code ncalloc}, pop (the stack-allocator
 *     floor: no segments, no scope checks).</li>
 * </ul>
 * Every kind zeroes what it hands out. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the Java
 * heap each scope costs (the JIT's escape analysis removes what does not escape, and differs per kind).
 *
 * {@snippet lang=shell :
 * java -jar talc-bench/target/talc-bench.jar jmh ArenaScopeBenchmark -prof gc
 * }
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ArenaScopeBenchmark {
    /** Memory of the Talc allocators. */
    private static final long MEMORY_BYTES = 64 << 20;

    /** Segment size in bytes. */
    @Param({"8", "64", "256", "1024", "4096"})
    public long size;

    /** Segments per scope. */
    @Param({"1", "2", "10"})
    public int count;

    private Arena backing;
    private TalcAllocator talc;
    private TalcAllocator concurrentTalc;
    private MemorySegment slicingBlock;

    /** Makes the allocators and the reused block. */
    @Setup(Level.Trial)
    public void setUp() {
        backing = Arena.ofShared();
        talc = Talc.over(backing.allocate(MEMORY_BYTES, 4096));
        concurrentTalc = ConcurrentTalc.over(backing.allocate(MEMORY_BYTES, 4096));
        slicingBlock = backing.allocate(64 << 10, 4096);
    }

    /** Checks that every scope gave everything back, then releases the memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (TalcAllocator allocator : new TalcAllocator[] {talc, concurrentTalc}) {
            allocator.verify();
            if (allocator.stats().allocationCount() != 0) {
                throw new IllegalStateException("blocks left after the scopes: " + allocator.stats());
            }
        }
        backing.close();
    }

    /** Allocates and writes {@code count} segments in {@code arena}, then closes it. */
    private long scope(Arena arena) {
        long sum = 0;
        try (arena) {
            for (int i = 0; i < count; i++) {
                MemorySegment segment = arena.allocate(size, 8);
                segment.set(ValueLayout.JAVA_LONG, 0, i);
                sum += segment.address();
            }
        }
        return sum;
    }

    /** A scope in a {@link Talc} arena. */
    @Benchmark
    public long talc() {
        return scope(talc.newArena());
    }

    /** A scope in a {@link ConcurrentTalc} arena. */
    @Benchmark
    public long concurrentTalc() {
        return scope(concurrentTalc.newArena());
    }

    /** A scope in {@link Arena#ofConfined()}. */
    @Benchmark
    public long confined() {
        return scope(Arena.ofConfined());
    }

    /** A scope in {@link Arena#ofShared()}. */
    @Benchmark
    public long shared() {
        return scope(Arena.ofShared());
    }

    /** A scope in an arena over {@code calloc}/{@code free} downcalls. */
    @Benchmark
    public long calloc() {
        return scope(new CallocArena());
    }

    /** A scope slicing one reused block: the bump-pointer floor. */
    @Benchmark
    public long slicing() {
        return scope(new SlicingArena(slicingBlock));
    }

    /** A push/pop of LWJGL's thread-local {@code MemoryStack}: the stack-allocator floor. */
    @Benchmark
    public long memoryStack() {
        long sum = 0;
        try (MemoryStack stack = MemoryStack.stackPush()) {
            for (int i = 0; i < count; i++) {
                long address = stack.ncalloc(8, 1, (int) size);
                MemoryUtil.memPutLong(address, i);
                sum += address;
            }
        }
        return sum;
    }
}

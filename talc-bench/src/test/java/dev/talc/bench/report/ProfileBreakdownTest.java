package dev.talc.bench.report;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The breakdown of collapsed stacks into harness, allocator logic, segment access and copies. */
class ProfileBreakdownTest {

    private static final String LOOP = "java/lang/Thread.run;dev/talc/bench/workload/RandomActions.runActions";
    private static final String ALLOCATE = LOOP + ";dev/talc/bench/alloc/TalcAdapter.allocate;dev/talc/Talc.tryAllocate";

    @Test
    void shouldSplitTheMeasuredLoopsSamplesByTheirLeafFrame() {
        List<String> collapsed = List.of(
                LOOP + ";dev/talc/bench/workload/Wyrand.next 10",                              // harness
                LOOP + ";dev/talc/bench/alloc/AbstractBenchAllocator.touch;jdk/internal/misc/Unsafe.putByte 5", // harness
                ALLOCATE + ";dev/talc/Gaps.resize 20",                                          // logic
                ALLOCATE + ";dev/talc/Talc.word;jdk/internal/foreign/MemorySessionImpl.checkValidStateRaw 8", // access
                ALLOCATE + ";java/lang/invoke/VarHandleSegmentAsLongs.get 2",                   // access
                LOOP + ";dev/talc/bench/alloc/TalcAdapter.reallocate;dev/talc/Talc.tryReallocate;"
                        + "java/lang/foreign/MemorySegment.copy;jbyte_disjoint_arraycopy 4",    // copies
                LOOP + ";dev/talc/bench/alloc/LibcAllocator.free;free@plt 1",                    // logic (native)
                LOOP + ";jbyte_disjoint_arraycopy 3",             // a copy stub the profiler could not walk from
                "java/lang/Thread.run;C2CompilerThread;Compile::Optimize 50",                   // outside
                "dev/talc/bench/workload/TraceReplay.run;dev/talc/bench/trace/TraceReader.read 7"); // outside: decoding
        ProfileBreakdown b = ProfileBreakdown.of("Talc", "random_actions", collapsed);
        assertEquals(53, b.samples());
        assertEquals(57, b.outsideSamples());
        assertEquals(15 / 53.0, b.harness(), 1e-12);
        assertEquals(21 / 53.0, b.logic(), 1e-12);
        assertEquals(10 / 53.0, b.segmentAccess(), 1e-12);
        assertEquals(7 / 53.0, b.copies(), 1e-12);
    }

    @Test
    void shouldRoundTripThroughTheTsvLine() {
        ProfileBreakdown b = new ProfileBreakdown("glibc malloc (FFM critical)", "trace_replay", 300, 12, 0.35, 0.6,
                0.03, 0.02);
        assertEquals(b, ProfileBreakdown.fromTsv(b.toTsv()));
        assertEquals(8, ProfileBreakdown.TSV_HEADER.split("\t").length);
    }

    @Test
    void shouldRejectALineWithoutACount() {
        assertThrows(NumberFormatException.class, () -> ProfileBreakdown.of("x", "y", List.of("a;b c")));
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counters' derived figures and their table. */
class TalcStatsTest {

    @Test
    void shouldPrintEveryCounterAsAnAlignedTable() {
        TalcStats stats = new TalcStats(3, 1500, 2_000_000, 4_194_304, 2, 5, 1_000_000, 10, 7000, 7, 3, 5_242_880);
        List<String> lines = stats.toString().lines().toList();

        assertEquals("TalcStats", lines.getFirst());
        assertEquals(List.of(
                "  allocations (live)                          3",
                "  allocated bytes                         1,500",
                "  available bytes                     2,000,000",
                "  overhead bytes                      2,192,804",
                "  claimed bytes                       4,194,304",
                "  heaps                                       2",
                "  gaps (fragments)                            5",
                "  largest gap bytes                   1,000,000",
                "  fragmentation                          0.5000",
                "  total allocations                          10",
                "  total allocated bytes                   7,000",
                "  total frees                                 7",
                "  total heaps claimed                         3",
                "  total claimed bytes                 5,242,880",
                "  total heaps released                        1",
                "  total released bytes                1,048,576"), lines.subList(1, lines.size()));
    }

    @Test
    void shouldDeriveFiguresLikeRustTalcsCounters() {
        TalcStats stats = new TalcStats(3, 1500, 2_000_000, 4_194_304, 2, 5, 1_000_000, 10, 7000, 7, 3, 5_242_880);

        assertEquals(4_194_304 - 2_000_000 - 1500, stats.overheadBytes());
        assertEquals(5, stats.fragmentCount());
        assertEquals(1, stats.totalReleasedHeapCount());
        assertEquals(1_048_576, stats.totalReleasedBytes());
        assertEquals(0.5, stats.fragmentation(), 1e-12);
    }

    @Test
    void shouldCountReleasedHeapsAndBytesAfterTruncate() {
        Talc talc = new Talc(MemorySegment.ofArray(new long[8192]));
        Span first = talc.claim(new Span(0, 32768));
        long offset = talc.tryAllocate(100, 8);
        talc.claim(new Span(32768, 65536));

        talc.truncate(talc.heaps().getLast(), Span.empty());
        TalcStats stats = talc.stats();

        assertTrue(first.contains(offset));
        assertEquals(1, stats.heapCount());
        assertEquals(2, stats.totalHeapCount());
        assertEquals(1, stats.totalReleasedHeapCount());
        assertEquals(32768, stats.totalReleasedBytes());
        assertEquals(stats.claimedBytes(), stats.allocatedBytes() + stats.availableBytes() + stats.overheadBytes());
        talc.free(offset, 100);
        assertEquals(0, talc.stats().allocationCount());
    }
}

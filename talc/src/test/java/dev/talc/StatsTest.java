package dev.talc;

import java.util.Locale;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counters, exact through a scripted sequence whose every figure is worked out by hand from the
 * chunk layout: chunk = max(align8(size) + 8, 32), padding of 32 bytes or more becomes a gap, chunks
 * of at most 1024 bytes are cached in quick bins when freed (free memory, one fragment each).
 */
class StatsTest extends Fixtures.FreshMemory {
    private Talc talc;

    StatsTest() {
        super(64 << 10, Arena::ofConfined);
    }

    @BeforeEach
    void setUp() {
        talc = new Talc(memory);
    }

    private void expect(String step, long allocationCount, long allocatedBytes, long availableBytes, long claimedBytes,
                        int heapCount, long gapCount, long largestGapBytes, long totalAllocationCount,
                        long totalAllocatedBytes, long totalFreeCount, long totalHeapCount, long totalClaimedBytes) {
        TalcStats expected = new TalcStats(allocationCount, allocatedBytes, availableBytes, claimedBytes, heapCount,
                gapCount, largestGapBytes, totalAllocationCount, totalAllocatedBytes, totalFreeCount, totalHeapCount,
                totalClaimedBytes);
        assertEquals(expected, talc.stats(), step);
        talc.verify();
    }

    @Test
    void shouldCountExactlyThroughAScriptedSequence() {
        expect("fresh", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Span heap = talc.claim(new Span(0, 8192));
        expect("claimed", 0, 0, 8176, 8192, 1, 1, 8176, 0, 0, 0, 1, 8192);

        long a = talc.tryAllocate(100, 8);   // chunk [16, 128)
        assertEquals(16, a);
        expect("a", 1, 100, 8064, 8192, 1, 1, 8064, 1, 100, 0, 1, 8192);
        long b = talc.tryAllocate(2000, 8);  // chunk [128, 2144)
        assertEquals(128, b);
        expect("b", 2, 2100, 6048, 8192, 1, 1, 6048, 2, 2100, 0, 1, 8192);
        long c = talc.tryAllocate(0, 1);     // chunk [2144, 2176)
        assertEquals(2144, c);
        expect("c", 3, 2100, 6016, 8192, 1, 1, 6016, 3, 2100, 0, 1, 8192);
        long d = talc.tryAllocate(300, 256); // gap [2176, 2304), chunk [2304, 2624), gap [2624, 8192)
        assertEquals(2304, d);
        expect("d", 4, 2400, 5696, 8192, 1, 2, 5568, 4, 2400, 0, 1, 8192);

        talc.free(a, 100);                   // cached: available, one more fragment, not the largest gap
        expect("free a", 3, 2300, 5808, 8192, 1, 3, 5568, 4, 2400, 1, 1, 8192);
        talc.free(b, 2000);                  // a new gap [128, 2144): a is cached, so it does not merge
        expect("free b", 2, 300, 7824, 8192, 1, 4, 5568, 4, 2400, 2, 1, 8192);

        assertTrue(talc.tryGrowInPlace(d, 300, 5000)); // chunk [2304, 7312), gap [7312, 8192)
        expect("grow d", 2, 5000, 3136, 8192, 1, 4, 2016, 4, 2400, 2, 1, 8192);
        assertEquals(c, talc.tryReallocate(c, 0, 1, 50)); // in place: chunk [2144, 2208), gap [2208, 2304)
        expect("grow c", 2, 5050, 3104, 8192, 1, 4, 2016, 4, 2400, 2, 1, 8192);

        assertEquals(-1, talc.tryAllocate(10_000, 8)); // flushes the quick bins: a merges into [16, 2144)
        expect("failed", 2, 5050, 3104, 8192, 1, 3, 2128, 4, 2400, 2, 1, 8192);

        talc.free(d, 5000);                  // merges with both neighbours: gap [2208, 8192)
        expect("free d", 1, 50, 8112, 8192, 1, 2, 5984, 4, 2400, 3, 1, 8192);
        talc.free(c, 50);                    // cached, even with gaps on both sides
        expect("free c", 0, 0, 8176, 8192, 1, 3, 5984, 4, 2400, 4, 1, 8192);
        assertEquals(Span.empty(), talc.allocatedSpan(heap)); // flushes: one gap again
        expect("flushed", 0, 0, 8176, 8192, 1, 1, 8176, 4, 2400, 4, 1, 8192);

        long moved = talc.tryAllocate(3000, 8);
        long other = talc.tryAllocate(10, 8);
        long e = talc.tryReallocate(moved, 3000, 8, 4000); // cannot grow past `other`: moves (one more allocation)
        assertTrue(e != moved);
        // moved: chunk [16, 3024) freed into a gap; other [3024, 3056); e [3056, 7072); gap [7072, 8192)
        assertEquals(3056, e);
        expect("moved", 2, 4010, 3008 + 1120, 8192, 1, 2, 3008, 7, 9410, 5, 1, 8192);

        Span extended = talc.extend(heap, new Span(0, 16384));
        expect("extended", 2, 4010, 4128 + 8192, 16384, 1, 2, 1120 + 8192, 7, 9410, 5, 1, 16384);
        Span second = talc.claim(new Span(20_000, 24_000));
        expect("second heap", 2, 4010, 4128 + 8192 + 3984, 20384, 2, 3, 9312, 7, 9410, 5, 2, 20384);
        assertEquals(Span.empty(), talc.truncate(second, Span.empty()));
        expect("released", 2, 4010, 4128 + 8192, 16384, 1, 2, 9312, 7, 9410, 5, 2, 20384);

        talc.free(e, 4000);
        talc.free(other, 10);
        TalcStats end = talc.stats();
        assertEquals(0, end.allocationCount());
        assertEquals(0, end.allocatedBytes());
        assertEquals(end.claimedBytes() - 16, end.availableBytes());
        assertEquals(16, end.overheadBytes(), "only the sentinel");
        assertEquals(end.totalAllocationCount(), end.totalFreeCount());
        talc.verify();
        assertEquals(extended, talc.heaps().getFirst());
    }

    @Test
    void shouldComputeOverheadAndFragmentation() {
        TalcStats stats = new TalcStats(3, 1000, 600, 2000, 1, 4, 450, 3, 1000, 0, 1, 2000);
        assertEquals(400, stats.overheadBytes());
        assertEquals(0.25, stats.fragmentation(), 1e-12);
        assertEquals(0, new TalcStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).fragmentation(), "no free memory");
        assertEquals(0, new TalcStats(0, 0, 800, 808, 1, 1, 800, 0, 0, 0, 1, 808).fragmentation(), "one gap");

        talc.claim(new Span(0, 8192));
        long[] blocks = new long[40];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = talc.tryAllocate(150, 8);
        }
        for (int i = 0; i < blocks.length; i += 2) {
            talc.free(blocks[i], 150);
        }
        TalcStats live = talc.stats();
        assertEquals(live.claimedBytes() - live.availableBytes() - live.allocatedBytes(), live.overheadBytes());
        assertEquals(16 + 20 * (160 - 150), live.overheadBytes(), "sentinel, and a tag plus 2 bytes slack per block");
        assertEquals(1 - (double) live.largestGapBytes() / live.availableBytes(), live.fragmentation(), 1e-12);
        assertTrue(live.fragmentation() > 0.3 && live.fragmentation() < 1, String.valueOf(live.fragmentation()));
        talc.verify();
    }

    @Test
    void shouldPrintAReadableTable() {
        talc.claim(new Span(0, 65536));
        long a = talc.tryAllocate(12_345, 8);
        talc.tryAllocate(100, 8);
        talc.free(a, 12_345);
        TalcStats stats = talc.stats();
        String table = stats.toString();
        String[] lines = table.split("\n");
        assertEquals("TalcStats", lines[0]);
        assertEquals(17, lines.length, table);
        assertRow(lines, "allocations (live)", String.format(Locale.ROOT, "%,d", stats.allocationCount()));
        assertRow(lines, "allocated bytes", String.format(Locale.ROOT, "%,d", stats.allocatedBytes()));
        assertRow(lines, "available bytes", String.format(Locale.ROOT, "%,d", stats.availableBytes()));
        assertRow(lines, "overhead bytes", String.format(Locale.ROOT, "%,d", stats.overheadBytes()));
        assertRow(lines, "claimed bytes", String.format(Locale.ROOT, "%,d", stats.claimedBytes()));
        assertRow(lines, "heaps", "1");
        assertRow(lines, "gaps (fragments)", String.format(Locale.ROOT, "%,d", stats.gapCount()));
        assertRow(lines, "largest gap bytes", String.format(Locale.ROOT, "%,d", stats.largestGapBytes()));
        assertRow(lines, "fragmentation", String.format(Locale.ROOT, "%.4f", stats.fragmentation()));
        assertRow(lines, "total allocations", "2");
        assertRow(lines, "total allocated bytes", String.format(Locale.ROOT, "%,d", 12_445));
        assertRow(lines, "total frees", "1");
        assertRow(lines, "total heaps claimed", "1");
        assertRow(lines, "total claimed bytes", String.format(Locale.ROOT, "%,d", 65_536));
        assertRow(lines, "total heaps released", "0");
        assertRow(lines, "total released bytes", "0");
        int width = lines[1].length();
        for (int i = 1; i < lines.length; i++) {
            assertEquals(width, lines[i].length(), "columns line up: " + lines[i]);
        }
    }

    private static void assertRow(String[] lines, String name, String value) {
        for (String line : lines) {
            if (line.trim().startsWith(name + " ")) {
                assertTrue(line.trim().endsWith(" " + value), () -> "row " + name + ": '" + line + "' should end with " + value);
                return;
            }
        }
        throw new AssertionError("no row " + name);
    }

    @Test
    void shouldSumSnapshotsOfSeveralParts() {
        TalcStats x = new TalcStats(1, 10, 100, 200, 1, 2, 60, 5, 50, 4, 1, 200);
        TalcStats y = new TalcStats(2, 20, 300, 400, 1, 3, 250, 7, 70, 5, 2, 500);
        assertEquals(new TalcStats(3, 30, 400, 600, 2, 5, 250, 12, 120, 9, 3, 700), x.plus(y));
        assertEquals(x.plus(y), y.plus(x));
    }

    @Test
    void shouldReturnLiveCountersToZeroAfterFreeingEverything() {
        talc.claim(new Span(0, 32768));
        talc.claim(new Span(40_000, 50_000));
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        java.util.List<long[]> live = new java.util.ArrayList<>();
        long requested = 0;
        for (int i = 0; i < 2000; i++) {
            if (live.isEmpty() || random.nextInt(3) > 0) {
                long size = random.nextLong(0, 600);
                long offset = talc.tryAllocate(size, 1L << random.nextInt(7));
                if (offset >= 0) {
                    live.add(new long[] {offset, size});
                    requested += size;
                }
            } else {
                long[] block = live.remove(random.nextInt(live.size()));
                talc.free(block[0], block[1]);
            }
        }
        TalcStats middle = talc.stats();
        assertEquals(live.size(), middle.allocationCount());
        assertEquals(live.stream().mapToLong(block -> block[1]).sum(), middle.allocatedBytes());
        assertEquals(requested, middle.totalAllocatedBytes());
        for (long[] block : live) {
            talc.free(block[0], block[1]);
        }
        TalcStats end = talc.stats();
        assertEquals(0, end.allocationCount());
        assertEquals(0, end.allocatedBytes());
        assertEquals(end.claimedBytes() - 32, end.availableBytes());
        assertEquals(32, end.overheadBytes());
        assertEquals(end.totalAllocationCount(), end.totalFreeCount());
        assertEquals(requested, end.totalAllocatedBytes());
        talc.verify();
        for (Span heap : talc.heaps()) {
            talc.allocatedSpan(heap);
        }
        assertEquals(2, talc.stats().gapCount(), "one gap per heap once the quick bins are flushed");
        assertEquals(32768 - 16, talc.stats().largestGapBytes());
    }
}

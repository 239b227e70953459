package dev.talc;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.talc.Fixtures.assertFilled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heaps: claim, extend, truncate, and the spans that describe them, with {@code verify()} after each step. */
class HeapsTest extends Fixtures.FreshMemory {
    private static final long MEMORY_BYTES = 256 << 10;

    private Talc talc;

    HeapsTest() {
        super(MEMORY_BYTES, Arena::ofConfined);
    }

    @BeforeEach
    void setUp() {
        talc = new Talc(memory);
    }

    // ---- claim ---------------------------------------------------------------------------------

    @Test
    void shouldClaimTrimmedToWholeGranulesExactlyAsHeapsListsIt() {
        Span heap = talc.claim(new Span(3, 1001));
        assertEquals(new Span(16, 992), heap);
        assertEquals(List.of(heap), talc.heaps());
        assertEquals(976, talc.stats().claimedBytes());
        assertEquals(976 - 16, talc.stats().availableBytes(), "16 bytes are the sentinel");
        assertEquals(1, talc.stats().heapCount());
        assertEquals(1, talc.stats().gapCount());
        assertEquals(new Span(32, 992), talc.allocatableSpan(heap));
        talc.verify();

        SplittableRandom random = new SplittableRandom(11);
        long base = 2000;
        for (int i = 0; i < 50; i++) {
            Span span = new Span(base + random.nextLong(0, 8), base + random.nextLong(64, 400));
            Span claimed = talc.claim(span);
            assertEquals(Fixtures.granulesInward(memory, span), claimed, span::toString);
            assertTrue(talc.heaps().contains(claimed));
            base = span.acme() + random.nextLong(0, 16);
        }
        assertEquals(51, talc.heaps().size());
        assertEquals(talc.heaps().stream().sorted(java.util.Comparator.comparingLong(Span::base)).toList(), talc.heaps(),
                "sorted by base");
        talc.verify();
    }

    @Test
    void shouldClaimTheSmallestHeap() {
        Span heap = talc.claim(new Span(0, Tag.MIN_HEAP));
        assertEquals(new Span(0, 48), heap);
        assertEquals(32, talc.stats().availableBytes());
        long offset = talc.tryAllocate(16, 8);
        assertEquals(16, offset);
        assertEquals(0, talc.stats().availableBytes());
        talc.verify();
    }

    @Test
    void shouldRejectASpanTooSmallAfterTrimming() {
        TalcStats before = talc.stats();
        for (Span span : new Span[] {new Span(0, 39), new Span(1, 47), new Span(0, 8), new Span(100, 101)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.claim(span));
            assertTrue(e.getMessage().contains("reason=too-small"), e.getMessage());
            assertTrue(e.getMessage().contains("span=" + span), e.getMessage());
        }
        assertEquals(before, talc.stats());
        assertTrue(talc.heaps().isEmpty());
        talc.verify();
    }

    @Test
    void shouldRejectASpanOutsideMemory() {
        for (Span span : new Span[] {new Span(-8, 100), new Span(0, MEMORY_BYTES + 8),
                new Span(MEMORY_BYTES, MEMORY_BYTES + 64), new Span(Long.MIN_VALUE, 0)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.claim(span));
            assertTrue(e.getMessage().contains("reason=outside-memory"), e.getMessage());
            assertTrue(e.getMessage().contains("memoryBytes=" + MEMORY_BYTES), e.getMessage());
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> talc.claim(new Span(64, 0)));
        assertTrue(empty.getMessage().contains("reason="), empty.getMessage());
        assertThrows(NullPointerException.class, () -> talc.claim(null));
        assertTrue(talc.heaps().isEmpty());
        assertEquals(0, talc.stats().totalHeapCount());
        talc.verify();
    }

    @Test
    void shouldRejectAnOverlappingClaim() {
        Span heap = talc.claim(new Span(1024, 2048));
        long block = talc.tryAllocate(100, 8);
        Fixtures.fill(memory, block, 100, (byte) 0x61);
        TalcStats before = talc.stats();
        for (Span span : new Span[] {heap, new Span(0, 1032), new Span(2040, 4096), new Span(1500, 1600),
                new Span(0, MEMORY_BYTES)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.claim(span));
            assertTrue(e.getMessage().contains("reason=overlaps-heap"), e.getMessage());
            assertTrue(e.getMessage().contains("heap=" + heap), e.getMessage());
        }
        assertEquals(before, talc.stats());
        assertEquals(List.of(heap), talc.heaps());
        assertFilled(memory, block, 100, (byte) 0x61);
        talc.verify();
        // overlap is judged on the span as asked, before trimming, and touching is not overlapping
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.claim(new Span(2047, 3000)));
        assertTrue(e.getMessage().contains("reason=overlaps-heap"), e.getMessage());
        assertEquals(new Span(2048, 2992), talc.claim(new Span(2048, 3000)));
        assertEquals(new Span(960, 1024), talc.claim(new Span(953, 1024)));
        assertEquals(3, talc.stats().heapCount());
        talc.verify();
    }

    @Test
    void shouldAllocateFromSeveralDisjointHeaps() {
        List<Span> heaps = List.of(talc.claim(new Span(0, 4096)), talc.claim(new Span(8192, 12288)),
                talc.claim(new Span(100_000, 100_512)));
        assertEquals(heaps, talc.heaps());
        assertEquals(4096 + 4096 + 512, talc.stats().claimedBytes());
        int[] perHeap = new int[heaps.size()];
        long offset;
        List<long[]> live = new ArrayList<>();
        while ((offset = talc.tryAllocate(40, 8)) >= 0) {
            Fixtures.fill(memory, offset, 40, Fixtures.pattern(live.size()));
            live.add(new long[] {offset, Fixtures.pattern(live.size())});
            boolean found = false;
            for (int h = 0; h < heaps.size(); h++) {
                if (heaps.get(h).base() + 8 <= offset && offset + 40 <= heaps.get(h).acme()) {
                    perHeap[h]++;
                    found = true;
                }
            }
            assertTrue(found, "block outside every heap: " + offset);
        }
        for (int h = 0; h < heaps.size(); h++) {
            assertTrue(perHeap[h] > 0, "heap " + heaps.get(h) + " was used");
        }
        talc.verify();
        for (long[] block : live) {
            assertFilled(memory, block[0], 40, (byte) block[1]);
            talc.free(block[0], 40);
        }
        assertEquals(talc.stats().claimedBytes() - 3 * Tag.SENTINEL, talc.stats().availableBytes());
        talc.verify();
    }

    // ---- extend --------------------------------------------------------------------------------

    @Test
    void shouldExtendAboveMergingWithAFreeTop() {
        Span heap = talc.claim(new Span(0, 1024));
        long block = talc.tryAllocate(100, 8);
        Span extended = talc.extend(heap, new Span(0, 2048));
        assertEquals(new Span(0, 2048), extended);
        assertEquals(List.of(extended), talc.heaps());
        assertEquals(1, talc.stats().gapCount(), "the new memory joined the free top");
        assertEquals(2048 - 128, talc.stats().largestGapBytes());
        assertEquals(2048, talc.stats().claimedBytes());
        assertEquals(1024 + 1024, talc.stats().totalClaimedBytes());
        assertEquals(1, talc.stats().totalHeapCount());
        talc.verify();
        talc.free(block, 100);
        talc.verify();
    }

    @Test
    void shouldExtendAboveAnAllocatedTopByWholeGranules() {
        Span heap = talc.claim(new Span(0, 1024));
        long all = talc.tryAllocate(1000, 8); // the chunk [16, 1024) fills the heap
        assertEquals(16, all);
        assertEquals(0, talc.stats().availableBytes());
        Span result = talc.extend(heap, new Span(0, 1024 + 8));
        assertEquals(heap, result, "less than a granule above a live block is left out");
        assertEquals(1024, talc.stats().claimedBytes());
        talc.verify();
        Span granule = talc.extend(heap, new Span(0, 1024 + 16));
        assertEquals(new Span(0, 1040), granule, "one granule becomes a 16-byte gap");
        assertEquals(16, talc.stats().availableBytes());
        assertEquals(1, talc.stats().gapCount());
        assertEquals(-1, talc.tryAllocate(0, 8), "a 16-byte gap holds no chunk");
        talc.verify();
        Span extended = talc.extend(granule, new Span(0, 1024 + 48));
        assertEquals(new Span(0, 1072), extended);
        assertEquals(48, talc.stats().availableBytes());
        assertEquals(1, talc.stats().gapCount(), "the gap grew");
        talc.verify();
        assertEquals(1024, talc.tryAllocate(0, 8), "the new 48 bytes hold a zero-size block");
        talc.verify();
    }

    @Test
    void shouldExtendAboveATopChunkCachedInAQuickBin() {
        Span heap = talc.claim(new Span(0, 1024));
        long all = talc.tryAllocate(1000, 8);
        talc.free(all, 1000);                    // a 1008-byte chunk: cached, not merged
        Span extended = talc.extend(heap, new Span(0, 2048));
        assertEquals(new Span(0, 2048), extended);
        assertEquals(2048 - 16, talc.stats().availableBytes());
        talc.verify();
        long big = talc.tryAllocate(2000, 8);    // needs the cached chunk merged with the new memory
        assertEquals(16, big);
        talc.verify();
        talc.free(big, 2000);
        assertEquals(Span.empty(), talc.truncate(extended, Span.empty()));
        talc.verify();
    }

    @Test
    void shouldExtendBelowMergingWithAFreeBottom() {
        Span heap = talc.claim(new Span(1024, 2048));
        Span extended = talc.extend(heap, new Span(512, 2048));
        assertEquals(new Span(512, 2048), extended);
        assertEquals(1, talc.stats().gapCount());
        assertEquals(1536 - 16, talc.stats().availableBytes());
        talc.verify();
        assertEquals(extended, talc.extend(extended, new Span(504, 2048)), "less than a granule is left out");
        // one granule merges into a free bottom
        Span again = talc.extend(extended, new Span(496, 2048));
        assertEquals(new Span(496, 2048), again);
        assertEquals(1552 - 16, talc.stats().availableBytes());
        assertEquals(496 + 16, talc.tryAllocate(10, 8), "allocations start right above the new sentinel");
        talc.verify();
    }

    @Test
    void shouldExtendBelowAnAllocatedBottomByWholeGranules() {
        Span heap = talc.claim(new Span(1024, 2048));
        long block = talc.tryAllocate(16, 8);
        assertEquals(1040, block);
        Fixtures.fill(memory, block, 16, (byte) 0x3C);
        long available = talc.stats().availableBytes();
        assertEquals(heap, talc.extend(heap, new Span(1024 - 8, 2048)), "less than a granule is left out");
        talc.verify();
        Span extended = talc.extend(heap, new Span(1024 - 16, 2048));
        assertEquals(new Span(1008, 2048), extended, "the old sentinel's granule becomes a 16-byte gap");
        assertEquals(available + 16, talc.stats().availableBytes());
        assertEquals(2, talc.stats().gapCount());
        assertFilled(memory, block, 16, (byte) 0x3C);
        talc.verify();
    }

    @Test
    void shouldExtendBothWaysAtOnce() {
        Span heap = talc.claim(new Span(1024, 2048));
        long block = talc.tryAllocate(16, 8);
        Fixtures.fill(memory, block, 16, (byte) 0x77);
        Span extended = talc.extend(heap, new Span(3, 4099)); // trimmed inward to [16, 4096)
        assertEquals(new Span(16, 4096), extended);
        assertEquals(List.of(extended), talc.heaps());
        assertEquals(2, talc.stats().gapCount());
        assertEquals(4080, talc.stats().claimedBytes());
        assertFilled(memory, block, 16, (byte) 0x77);
        talc.verify();
        assertEquals(extended, talc.extend(extended, extended), "extending to itself changes nothing");
        talc.verify();
    }

    @Test
    void shouldExtendUpToATouchingHeap() {
        Span low = talc.claim(new Span(0, 1024));
        Span high = talc.claim(new Span(2048, 3072));
        assertEquals(new Span(0, 2048), talc.extend(low, new Span(0, 2048)));
        assertEquals(List.of(new Span(0, 2048), high), talc.heaps());
        talc.verify();
    }

    @Test
    void shouldRejectBadExtensions() {
        Span low = talc.claim(new Span(0, 1024));
        Span high = talc.claim(new Span(2048, 3072));
        long block = talc.tryAllocate(100, 8);
        Fixtures.fill(memory, block, 100, (byte) 0x5E);
        TalcStats before = talc.stats();
        List<Span> heaps = talc.heaps();
        assertRejected("does-not-contain-heap", () -> talc.extend(low, new Span(8, 2048)));
        assertRejected("does-not-contain-heap", () -> talc.extend(low, new Span(0, 1000)));
        assertRejected("overlaps-heap", () -> talc.extend(low, new Span(0, 2056)));
        assertRejected("overlaps-heap", () -> talc.extend(high, new Span(1016, 3072)));
        assertRejected("outside-memory", () -> talc.extend(high, new Span(2048, MEMORY_BYTES + 8)));
        assertRejected("outside-memory", () -> talc.extend(low, new Span(-64, 1024)));
        assertRejected("not-a-heap", () -> talc.extend(new Span(0, 512), new Span(0, 1024)));
        assertRejected("not-a-heap", () -> talc.extend(new Span(8192, 9000), new Span(8192, 10_000)));
        assertThrows(NullPointerException.class, () -> talc.extend(low, null));
        assertEquals(before, talc.stats());
        assertEquals(heaps, talc.heaps());
        assertFilled(memory, block, 100, (byte) 0x5E);
        talc.verify();
    }

    // ---- truncate ------------------------------------------------------------------------------

    @Test
    void shouldTruncateToTheLiveBlocksButNeverIntoThem() {
        Span heap = talc.claim(new Span(0, 4096));
        long a = talc.tryAllocate(100, 8);   // chunk [16, 128)
        long b = talc.tryAllocate(2000, 8);  // chunk [128, 2144)
        long c = talc.tryAllocate(100, 8);   // chunk [2144, 2256)
        assertEquals(128, b);
        Fixtures.fill(memory, b, 2000, (byte) 0x42);
        talc.free(a, 100);                   // a goes to the quick bins: truncate must flush it
        talc.free(c, 100);                   // c merges with the gap above it
        assertEquals(new Span(128, 2144), talc.allocatedSpan(heap));
        Span clamped = talc.truncate(heap, new Span(200, 300));
        assertEquals(new Span(112, 2144), clamped, "the heap keeps b and a sentinel below it");
        assertEquals(List.of(clamped), talc.heaps());
        assertEquals(2032, talc.stats().claimedBytes());
        assertEquals(0, talc.stats().availableBytes());
        assertEquals(0, talc.stats().gapCount());
        assertEquals(clamped.size(), talc.allocatedSpan(clamped).size() + Tag.SENTINEL);
        assertFilled(memory, b, 2000, (byte) 0x42);
        talc.verify();
        assertEquals(clamped, talc.truncate(clamped, Span.empty()), "nothing more to give back");
        assertEquals(-1, talc.tryAllocate(0, 1));
        talc.verify();
        talc.free(b, 2000);
        assertEquals(Span.empty(), talc.truncate(clamped, Span.empty()));
        assertTrue(talc.heaps().isEmpty());
        talc.verify();
    }

    @Test
    void shouldTruncateToWholeGranulesLeavingGapsOfAnySize() {
        Span heap = talc.claim(new Span(0, 4096));
        long a = talc.tryAllocate(100, 8);   // chunk [16, 128)
        long b = talc.tryAllocate(100, 8);   // chunk [128, 240)
        Fixtures.fill(memory, b, 100, (byte) 0x19);
        talc.free(a, 100);
        // asking for a 16-byte gap below b and a 16-byte gap above it (the ends widened to granules)
        Span result = talc.truncate(heap, new Span(100, 250));
        assertEquals(new Span(96, 256), result, "the target widened to whole granules");
        assertEquals(32, talc.stats().availableBytes());
        assertEquals(2, talc.stats().gapCount());
        assertFilled(memory, b, 100, (byte) 0x19);
        talc.verify();
        assertEquals(new Span(112, 240), talc.truncate(result, new Span(112, 240)), "no gap at all is fine too");
        assertEquals(0, talc.stats().availableBytes());
        talc.verify();
    }

    @Test
    void shouldTruncateAnEmptyHeapTowardsTheTarget() {
        Span heap = talc.claim(new Span(0, 4096));
        long block = talc.tryAllocate(100, 8);
        talc.free(block, 100);
        assertEquals(Span.empty(), talc.allocatedSpan(heap));
        Span middle = talc.truncate(heap, new Span(1001, 1999)); // widened to [992, 2000)
        assertEquals(new Span(992, 2000), middle);
        assertEquals(992, talc.stats().availableBytes());
        talc.verify();
        Span tiny = talc.truncate(middle, new Span(1000, 1008));
        assertEquals(new Span(992, 992 + Tag.MIN_HEAP), tiny, "a heap never gets smaller than MIN_HEAP");
        talc.verify();
        Span top = talc.truncate(tiny, new Span(1024, 1040));
        assertEquals(tiny, top, "the smallest heap cannot shrink");
        talc.verify();
    }

    @Test
    void shouldReleaseAHeapWithoutLiveBlocks() {
        Span first = talc.claim(new Span(0, 4096));
        Span second = talc.claim(new Span(8192, 16384));
        long block = talc.tryAllocate(100, 8);
        assertTrue(first.contains(block));
        talc.free(block, 100); // cached in a quick bin: still releasable
        assertEquals(Span.empty(), talc.truncate(first, Span.empty()));
        assertEquals(List.of(second), talc.heaps());
        assertEquals(8192, talc.stats().claimedBytes());
        assertEquals(8192 - 16, talc.stats().availableBytes());
        assertEquals(1, talc.stats().heapCount());
        assertEquals(2, talc.stats().totalHeapCount(), "totals keep counting released heaps");
        talc.verify();
        assertThrows(IllegalArgumentException.class, () -> talc.truncate(first, Span.empty()), "already released");
        assertEquals(first, talc.claim(first), "released memory can be claimed again");
        talc.verify();
    }

    @Test
    void shouldRejectBadTruncations() {
        Span heap = talc.claim(new Span(1024, 4096));
        long block = talc.tryAllocate(100, 8);
        Fixtures.fill(memory, block, 100, (byte) 0x2D);
        TalcStats before = talc.stats();
        assertRejected("not-inside-heap", () -> talc.truncate(heap, new Span(0, 2048)));
        assertRejected("not-inside-heap", () -> talc.truncate(heap, new Span(2048, 8192)));
        assertRejected("not-a-heap", () -> talc.truncate(new Span(1024, 2048), Span.empty()));
        assertRejected("not-a-heap", () -> talc.truncate(Span.empty(), Span.empty()));
        assertEquals(before, talc.stats());
        assertEquals(List.of(heap), talc.heaps());
        assertFilled(memory, block, 100, (byte) 0x2D);
        talc.verify();
    }

    /**
     * Released and truncated memory, and memory never claimed, is never touched again: a guard pattern
     * written over it survives thousands of operations, failed allocations (which flush the quick bins
     * and call the OomHandler) included.
     */
    @Test
    void shouldNeverTouchReleasedMemory() {
        Span h1 = talc.claim(new Span(0, 64 << 10));
        long low = talc.tryAllocate(1000, 8);            // at the bottom of h1
        assertEquals(16, low);
        Span h2 = talc.claim(new Span(64 << 10, 128 << 10));
        Span h3 = talc.claim(new Span(128 << 10, 192 << 10));
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            blocks.add(talc.tryAllocate(500, 8));       // 150 KiB: spread over all three heaps
        }
        Span keepRange = Span.ofSize(h3.base() + (16 << 10), 16 << 10);
        List<long[]> keep = new ArrayList<>();
        for (long offset : blocks) {
            assertTrue(offset >= 0);
            if (keepRange.contains(offset)) {
                keep.add(new long[] {offset, 500});
            } else {
                talc.free(offset, 500);
            }
        }
        assertTrue(keep.size() > 10, "blocks kept in the middle of h3: " + keep.size());
        talc.verify();
        Span h1Now = talc.truncate(h1, Span.empty());
        assertEquals(new Span(0, low + 1008), h1Now, "h1 keeps only its bottom block");
        assertEquals(Span.empty(), talc.truncate(h2, Span.empty()));
        Span h3Now = talc.truncate(h3, Span.empty());
        assertTrue(h3Now.base() > h3.base() && h3Now.acme() < h3.acme(), h3Now::toString);
        talc.verify();

        List<Span> released = new ArrayList<>();
        released.add(new Span(h1Now.acme(), h2.acme()));          // top of h1 and all of h2
        released.add(new Span(h3.base(), h3Now.base()));
        released.add(new Span(h3Now.acme(), MEMORY_BYTES));      // top of h3 and never-claimed memory
        for (Span span : released) {
            memory.asSlice(span.base(), span.size()).fill((byte) 0xA5);
        }

        SplittableRandom random = new SplittableRandom(99);
        List<long[]> live = new ArrayList<>(keep);
        live.add(new long[] {low, 1000});
        for (int step = 0; step < 5000; step++) {
            int action = random.nextInt(10);
            if (action < 5) {
                long size = random.nextLong(0, 3000);
                long offset = talc.tryAllocate(size, 1L << random.nextInt(8));
                if (offset >= 0) {
                    live.add(new long[] {offset, size});
                }
            } else if (action < 8 && !live.isEmpty()) {
                long[] block = live.remove(random.nextInt(live.size()));
                talc.free(block[0], block[1]);
            } else if (!live.isEmpty()) {
                long[] block = live.get(random.nextInt(live.size()));
                long newSize = random.nextLong(0, 4000);
                long moved = talc.tryReallocate(block[0], block[1], 1, newSize);
                if (moved >= 0) {
                    block[0] = moved;
                    block[1] = newSize;
                }
            }
            if (step % 500 == 0) {
                talc.verify();
                talc.allocatedSpan(h1Now);
            }
        }
        for (long[] block : live) {
            talc.free(block[0], block[1]);
        }
        talc.verify();
        for (Span span : talc.heaps()) {
            talc.truncate(span, Span.empty());
        }
        assertTrue(talc.heaps().isEmpty());
        for (Span span : released) {
            assertFilled(memory, span.base(), span.size(), (byte) 0xA5);
        }
    }

    // ---- allocatable and allocated spans -------------------------------------------------------

    @Test
    void shouldDescribeAllocatableAndAllocatedSpans() {
        Span heap = talc.claim(new Span(1024, 8192));
        assertEquals(new Span(1040, 8192), talc.allocatableSpan(heap));
        assertEquals(Span.empty(), talc.allocatedSpan(heap));
        long a = talc.tryAllocate(100, 8);       // chunk [1040, 1152)
        long b = talc.tryAllocate(300, 256);     // padding below becomes a gap
        long c = talc.tryAllocate(2000, 8);
        Span allocated = talc.allocatedSpan(heap);
        assertEquals(1040, allocated.base());
        assertTrue(talc.allocatableSpan(heap).contains(allocated));
        for (long[] block : new long[][] {{a, 100}, {b, 300}, {c, 2000}}) {
            assertTrue(allocated.contains(Span.ofSize(block[0], block[1])), "block " + block[0]);
        }
        assertEquals(c + Tag.chunkSize(2000), allocated.acme(), "the top block's tag is the last word");
        talc.free(a, 100);                       // cached, but the span reflects it at once
        assertEquals(b & -256, talc.allocatedSpan(heap).base() & -256);
        assertTrue(talc.allocatedSpan(heap).base() > 1040);
        talc.free(c, 2000);
        Span onlyB = talc.allocatedSpan(heap);
        assertTrue(onlyB.contains(Span.ofSize(b, 300)) && onlyB.size() <= 300 + 8 + 32, onlyB::toString);
        talc.verify();
        assertRejected("not-a-heap", () -> talc.allocatableSpan(new Span(1024, 4096)));
        assertRejected("not-a-heap", () -> talc.allocatedSpan(new Span(0, 8192)));
        talc.free(b, 300);
        assertEquals(Span.empty(), talc.allocatedSpan(heap));
        talc.verify();
    }

    private static void assertRejected(String reason, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains("reason=" + reason), () -> "expected reason=" + reason + ": " + e.getMessage());
    }
}

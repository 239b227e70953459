package dev.talc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.talc.Fixtures.assertAligned;
import static dev.talc.Fixtures.assertFilled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation contract every {@link TalcAllocator} keeps, written against the interface only; one
 * subclass per implementation (JCTools style) says how to make one over a given memory.
 */
abstract class AllocatorContractTest extends Fixtures.FreshMemory {
    static final long MEMORY_BYTES = 1 << 20;

    TalcAllocator allocator;

    AllocatorContractTest() {
        super(MEMORY_BYTES, Arena::ofShared);
    }

    /** Makes the allocator under test over the whole of {@code memory}. */
    abstract TalcAllocator create(MemorySegment memory);

    @BeforeEach
    void setUp() {
        allocator = create(memory);
    }

    @AfterEach
    void tearDown() {
        allocator.verify(); // before the memory is closed
    }

    private long offsetOf(MemorySegment block) {
        return block.address() - memory.address();
    }

    private void assertAllFree() {
        TalcStats stats = allocator.stats();
        assertEquals(0, stats.allocationCount(), stats::toString);
        assertEquals(0, stats.allocatedBytes(), stats::toString);
        assertEquals(stats.claimedBytes() - Tag.SENTINEL * stats.heapCount(), stats.availableBytes(), stats::toString);
        assertEquals(stats.totalAllocationCount(), stats.totalFreeCount(), stats::toString);
        allocator.verify();
    }

    private <X extends Throwable> void assertRejectedWithoutChange(Class<X> type, Executable call, String detail) {
        TalcStats before = allocator.stats();
        X e = assertThrows(type, call);
        assertTrue(String.valueOf(e.getMessage()).contains(detail), () -> "expected " + detail + " in " + e.getMessage());
        assertEquals(before, allocator.stats());
        allocator.verify();
    }

    @Test
    void shouldManageTheGivenMemory() {
        assertSame(memory, allocator.memory());
        TalcStats stats = allocator.stats();
        assertEquals(MEMORY_BYTES, stats.claimedBytes());
        assertEquals(MEMORY_BYTES - Tag.SENTINEL * stats.heapCount(), stats.availableBytes());
        assertAllFree();
    }

    @Test
    void shouldAllocateAndFreeSegments() {
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long size = (i * 37) % 3000;
            MemorySegment block = allocator.allocate(size, 8);
            assertEquals(size, block.byteSize());
            long offset = offsetOf(block);
            assertTrue(offset >= 0 && offset + size <= MEMORY_BYTES, "inside memory: " + offset);
            block.fill(Fixtures.pattern(i));
            blocks.add(block);
        }
        assertEquals(200, allocator.stats().allocationCount());
        allocator.verify();
        for (int i = 0; i < blocks.size(); i++) {
            assertFilled(memory, offsetOf(blocks.get(i)), blocks.get(i).byteSize(), Fixtures.pattern(i));
            allocator.free(blocks.get(i));
        }
        assertAllFree();
    }

    @Test
    void shouldAllocateAndFreeRawOffsets() {
        List<long[]> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long size = 1 + (i * 53) % 2000;
            long offset = allocator.tryAllocate(size, 16);
            assertTrue(offset >= 0);
            assertAligned(memory, offset, 16);
            Fixtures.fill(memory, offset, size, Fixtures.pattern(i));
            blocks.add(new long[] {offset, size, i});
        }
        assertEquals(blocks.stream().mapToLong(b -> b[1]).sum(), allocator.stats().allocatedBytes());
        for (long[] block : blocks) {
            assertFilled(memory, block[0], block[1], Fixtures.pattern(block[2]));
            allocator.free(block[0], block[1]);
        }
        assertAllFree();
    }

    @Test
    void shouldNeverOverlapBlocks() {
        SplittableRandom random = new SplittableRandom(21);
        List<long[]> blocks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long size = random.nextLong(0, 1500);
            long offset = allocator.tryAllocate(size, 1L << random.nextInt(7));
            blocks.add(new long[] {offset, size});
        }
        blocks.sort((x, y) -> Long.compare(x[0], y[0]));
        for (int i = 1; i < blocks.size(); i++) {
            long[] below = blocks.get(i - 1);
            long[] above = blocks.get(i);
            assertTrue(below[0] + below[1] <= above[0] && below[0] != above[0],
                    "overlap: " + below[0] + "+" + below[1] + " and " + above[0]);
        }
        for (long[] block : blocks) {
            allocator.free(block[0], block[1]);
        }
        assertAllFree();
    }

    @Test
    void shouldAlignEveryBlock() {
        List<MemorySegment> blocks = new ArrayList<>();
        for (long alignment = 1; alignment <= 64 << 10; alignment <<= 1) {
            for (long size : new long[] {0, 1, 33, 1000}) {
                MemorySegment block = allocator.allocate(size, alignment);
                assertEquals(0, block.address() % alignment, "alignment " + alignment + " size " + size);
                blocks.add(block);
                long raw = allocator.tryAllocate(size, alignment);
                assertAligned(memory, raw, alignment);
                allocator.free(raw, size);
            }
        }
        allocator.verify();
        for (MemorySegment block : blocks) {
            allocator.free(block);
        }
        assertAllFree();
    }

    @Test
    void shouldHandOutDistinctZeroSizeBlocks() {
        Set<Long> offsets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(offsets.add(allocator.tryAllocate(0, 1)), "zero-size block handed out twice");
        }
        assertEquals(100, allocator.stats().allocationCount());
        for (long offset : offsets) {
            allocator.free(offset, 0);
        }
        assertAllFree();
    }

    @Test
    void shouldKeepContentsWhenReallocatingSegments() {
        MemorySegment block = allocator.allocate(100, 16);
        for (int i = 0; i < 100; i++) {
            block.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        MemorySegment blocker = allocator.allocate(64, 8);
        for (long newSize : new long[] {5000, 20_000, 150, 100, 3, 0, 40_000}) {
            long kept = Math.min(block.byteSize(), newSize);
            block = allocator.reallocate(block, newSize);
            assertEquals(newSize, block.byteSize());
            assertEquals(0, block.address() % 16, "reallocate keeps 16-byte alignment");
            for (int i = 0; i < Math.min(kept, 100); i++) {
                assertEquals((byte) i, block.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " after resize to " + newSize);
            }
            for (long i = kept; i < Math.min(newSize, 100); i++) {
                block.set(ValueLayout.JAVA_BYTE, i, (byte) i); // refill what shrinking dropped
            }
            allocator.verify();
        }
        MemorySegment aligned = allocator.reallocate(block, 1000, 4096);
        assertEquals(0, aligned.address() % 4096);
        assertEquals(0, aligned.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(99, aligned.get(ValueLayout.JAVA_BYTE, 99));
        allocator.free(aligned);
        allocator.free(blocker);
        assertAllFree();
    }

    @Test
    void shouldKeepContentsWhenReallocatingRawOffsets() {
        long offset = allocator.tryAllocate(1000, 8);
        Fixtures.fill(memory, offset, 1000, (byte) 0x4B);
        long neighbour = allocator.tryAllocate(1000, 8);
        Fixtures.fill(memory, neighbour, 1000, (byte) 0x4C);
        long moved = allocator.tryReallocate(offset, 1000, 8, 10_000);
        assertTrue(moved >= 0);
        assertFilled(memory, moved, 1000, (byte) 0x4B);
        assertFilled(memory, neighbour, 1000, (byte) 0x4C);
        long shrunk = allocator.tryReallocate(moved, 10_000, 8, 10);
        assertEquals(moved, shrunk, "shrinking never moves");
        assertFilled(memory, shrunk, 10, (byte) 0x4B);
        assertEquals(1010, allocator.stats().allocatedBytes());
        allocator.free(shrunk, 10);
        allocator.free(neighbour, 1000);
        assertAllFree();
    }

    @Test
    void shouldGrowInPlaceAndShrink() {
        long offset = allocator.tryAllocate(100, 8);
        Fixtures.fill(memory, offset, 100, (byte) 0x21);
        assertTrue(allocator.tryGrowInPlace(offset, 100, 4000), "a fresh block has free memory above it");
        assertFilled(memory, offset, 100, (byte) 0x21);
        long blocker = allocator.tryAllocate(16, 8);
        assertTrue(blocker + 16 <= offset || blocker >= offset + 4000, "the grown block is not handed out: " + blocker);
        allocator.shrink(offset, 4000, 50);
        assertFilled(memory, offset, 50, (byte) 0x21);
        assertEquals(66, allocator.stats().allocatedBytes());
        allocator.free(offset, 50);
        allocator.free(blocker, 16);
        assertAllFree();
    }

    @Test
    void shouldServeSegmentAllocatorHelpers() {
        MemorySegment text = allocator.allocateFrom("contract");
        assertEquals("contract", text.getString(0));
        MemorySegment longs = allocator.allocate(ValueLayout.JAVA_LONG, 8);
        assertEquals(64, longs.byteSize());
        assertEquals(0, longs.address() % 8);
        allocator.free(text);
        allocator.free(longs);
        assertAllFree();
    }

    @Test
    void shouldAllocateMostOfTheMemoryInOneBlock() {
        long size = MEMORY_BYTES * 6 / 10;
        MemorySegment big = allocator.allocate(size, 8);
        big.fill((byte) 0x12);
        MemorySegment small = allocator.allocate(100, 8);
        allocator.verify();
        allocator.free(big);
        allocator.free(small);
        assertAllFree();
    }

    @Test
    void shouldFailWhenNothingFits() {
        long block = allocator.tryAllocate(1000, 8);
        TalcStats before = allocator.stats();
        assertThrows(OutOfMemoryError.class, () -> allocator.allocate(2 * MEMORY_BYTES, 8));
        assertEquals(-1, allocator.tryAllocate(2 * MEMORY_BYTES, 8));
        assertEquals(-1, allocator.tryReallocate(block, 1000, 8, 2 * MEMORY_BYTES));
        assertThrows(OutOfMemoryError.class, () -> allocator.reallocate(memory.asSlice(block, 1000), 2 * MEMORY_BYTES));
        assertEquals(before.allocationCount(), allocator.stats().allocationCount());
        assertEquals(before.allocatedBytes(), allocator.stats().allocatedBytes());
        assertEquals(before.availableBytes(), allocator.stats().availableBytes());
        allocator.free(block, 1000);
        assertAllFree();
    }

    @Test
    void shouldRejectBadSizesAndAlignments() {
        for (long[] bad : new long[][] {{-1, 8}, {8, 0}, {8, -16}, {8, 12}}) {
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.allocate(bad[0], bad[1]), "=");
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryAllocate(bad[0], bad[1]), "=");
        }
        long block = allocator.tryAllocate(100, 8);
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryReallocate(block, 100, 8, -1),
                "newByteSize=-1");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryReallocate(block, 100, 7, 10),
                "byteAlignment=7");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryGrowInPlace(block, 100, 50),
                "newByteSize=50");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.shrink(block, 100, 200),
                "newByteSize=200");
        allocator.free(block, 100);
        assertAllFree();
    }

    @Test
    void shouldRejectADoubleFree() {
        long big = allocator.tryAllocate(3000, 8);
        long small = allocator.tryAllocate(30, 8);
        MemorySegment segment = allocator.allocate(500, 8);
        long keep = allocator.tryAllocate(200, 8);
        Fixtures.fill(memory, keep, 200, (byte) 0x7E);
        allocator.free(big, 3000);
        allocator.free(small, 30);
        allocator.free(segment);
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.free(big, 3000), "reason=");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.free(small, 30), "reason=");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.free(segment), "reason=");
        assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryReallocate(big, 3000, 8, 10),
                "reason=");
        assertFilled(memory, keep, 200, (byte) 0x7E);
        allocator.free(keep, 200);
        assertAllFree();
    }

    @Test
    void shouldRejectForeignOffsetsAndSegments() {
        long keep = allocator.tryAllocate(200, 8);
        Fixtures.fill(memory, keep, 200, (byte) 0x3E);
        for (long offset : new long[] {-8, MEMORY_BYTES, MEMORY_BYTES + 4096, Long.MAX_VALUE}) {
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.free(offset, 8),
                    "reason=outside-heaps");
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.tryReallocate(offset, 8, 8, 64),
                    "reason=outside-heaps");
        }
        try (Arena other = Arena.ofConfined()) {
            MemorySegment foreign = other.allocate(64, 8);
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.free(foreign),
                    "reason=foreign-segment");
            assertRejectedWithoutChange(IllegalArgumentException.class, () -> allocator.reallocate(foreign, 128),
                    "reason=foreign-segment");
        }
        assertRejectedWithoutChange(IllegalArgumentException.class,
                () -> allocator.free(MemorySegment.ofArray(new long[8])), "reason=foreign-segment");
        assertFilled(memory, keep, 200, (byte) 0x3E);
        allocator.free(keep, 200);
        assertAllFree();
    }

    @Test
    void shouldStayConsistentThroughRandomActions() {
        SplittableRandom random = new SplittableRandom(77);
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 4000; step++) {
            int action = random.nextInt(10);
            if (action < 5 || live.isEmpty()) {
                long size = random.nextInt(4) == 0 ? random.nextLong(0, 60_000) : random.nextLong(0, 800);
                long alignment = 1L << random.nextInt(8);
                long offset = allocator.tryAllocate(size, alignment);
                if (offset >= 0) {
                    assertAligned(memory, offset, alignment);
                    byte pattern = Fixtures.pattern(step);
                    Fixtures.fill(memory, offset, size, pattern);
                    live.add(new long[] {offset, size, pattern});
                }
            } else if (action < 8) {
                long[] block = live.remove(random.nextInt(live.size()));
                assertFilled(memory, block[0], block[1], (byte) block[2]);
                allocator.free(block[0], block[1]);
            } else {
                long[] block = live.get(random.nextInt(live.size()));
                long newSize = random.nextLong(0, 5000);
                long moved = allocator.tryReallocate(block[0], block[1], 1, newSize);
                if (moved >= 0) {
                    assertFilled(memory, moved, Math.min(block[1], newSize), (byte) block[2]);
                    Fixtures.fill(memory, moved, newSize, (byte) block[2]);
                    block[0] = moved;
                    block[1] = newSize;
                }
            }
            if (step % 400 == 0) {
                allocator.verify();
                assertEquals(live.size(), allocator.stats().allocationCount());
                assertEquals(live.stream().mapToLong(b -> b[1]).sum(), allocator.stats().allocatedBytes());
            }
        }
        for (long[] block : live) {
            assertFilled(memory, block[0], block[1], (byte) block[2]);
            allocator.free(block[0], block[1]);
        }
        assertAllFree();
    }

    @Test
    void shouldNotReuseABlockUntilItIsFreed() {
        long a = allocator.tryAllocate(64, 8);
        long b = allocator.tryAllocate(64, 8);
        assertNotEquals(a, b);
        allocator.free(a, 64);
        long c = allocator.tryAllocate(64, 8);
        assertNotEquals(b, c);
        allocator.free(b, 64);
        allocator.free(c, 64);
        assertAllFree();
    }
}

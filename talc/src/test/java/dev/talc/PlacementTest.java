package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where {@link Talc} puts blocks: the placement rules that keep a heap's footprint low. Freed blocks here are
 * larger than the quick bins' limit, so each free leaves a gap at once.
 */
class PlacementTest {
    private static final long KIB = 1024;

    @Test
    void shouldServeSmallRequestsFromGapsBelowBeforeTheTopGap() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1024 * KIB, 4096));
            talc.tryAllocate(100, 8); // split from the top gap, which must not become the victim
            List<Long> holes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                holes.add(talc.tryAllocate(2000, 8));
                talc.tryAllocate(100, 8); // keeps the holes apart
            }
            long highWater = talc.tryAllocate(100, 8) + 112;
            for (long hole : holes) {
                talc.free(hole, 2000);
            }
            talc.verify();
            // 8 holes of 2016 bytes hold 18 chunks of 112 each: every one must come from them, none from the top.
            for (int i = 0; i < 8 * 18; i++) {
                long offset = talc.tryAllocate(100, 8);
                assertTrue(offset >= 0 && offset + 112 <= highWater,
                        "request " + i + " at " + offset + " took fresh memory above " + highWater);
                talc.verify();
            }
        }
    }

    @Test
    void shouldServeAlignedRequestsFromCachedChunksAtAnAlignedAddress() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1024 * KIB, 4096));
            long base = talc.memory().address();
            List<Long> blocks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                blocks.add(talc.tryAllocate(40, 8)); // 48-byte chunks: consecutive, 16-aligned, some 32- or 64-aligned
            }
            talc.tryAllocate(100, 8); // keeps the last one from merging with the top gap when it is flushed
            for (long block : blocks) {
                talc.free(block, 40); // all cached, the last freed on top
            }
            long gapsBefore = talc.stats().gapCount();
            for (long alignment : new long[] {64, 32}) {
                long expected = -1;
                for (int i = blocks.size() - 1; i >= 0 && expected < 0; i--) { // the most recently freed aligned one
                    if (((base + blocks.get(i)) & (alignment - 1)) == 0) {
                        expected = blocks.get(i);
                    }
                }
                assertTrue(expected >= 0, "no cached chunk is " + alignment + "-aligned");
                long offset = talc.tryAllocate(40, alignment);
                assertEquals(expected, offset, "alignment " + alignment);
                blocks.remove(expected);
                talc.verify();
            }
            assertEquals(gapsBefore - 2, talc.stats().gapCount(), "both taken from the cache, no gap cut or padded");
        }
    }

    @Test
    void shouldCutAnAlignedRequestFromAGapWhenNoCachedChunkIsAligned() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1024 * KIB, 4096));
            long base = talc.memory().address();
            long first = talc.tryAllocate(40, 8);
            long block = ((base + first) & 127) == 0 ? talc.tryAllocate(40, 8) : first; // not 128-aligned
            talc.tryAllocate(100, 8);
            talc.free(block, 40);
            long offset = talc.tryAllocate(40, 128);
            assertEquals(0, (base + offset) & 127);
            assertTrue(offset != block);
            talc.verify();
            assertEquals(block, talc.tryAllocate(40, 16), "the cached chunk is still there for a 16-aligned request");
            talc.verify();
        }
    }

    @Test
    void shouldNotCutALargeGapForSmallRequestsWhileASmallerGapFits() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1024 * KIB, 4096));
            long large = talc.tryAllocate(64 * KIB, 8);
            talc.tryAllocate(100, 8);
            long small = talc.tryAllocate(1500, 8); // a 1520-byte chunk: freed, it becomes a gap, not a cached chunk
            talc.tryAllocate(100, 8);
            talc.free(large, 64 * KIB);
            long first = talc.tryAllocate(40, 8); // no gap of its size: the smallest larger gap is the large one
            assertEquals(large, first);
            talc.free(small, 1500);
            talc.verify();
            long second = talc.tryAllocate(40, 8); // the large gap's rest is over the victim limit, so not the victim
            assertEquals(small, second, "best fit: the small gap, not the large gap's rest at " + (first + 48));
            talc.verify();
        }
    }

    @Test
    void shouldKeepARunOfSmallAllocationsTogetherInTheVictim() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1024 * KIB, 4096));
            long hole = talc.tryAllocate(4000, 8);
            talc.tryAllocate(100, 8);
            long other = talc.tryAllocate(8000, 8);
            talc.tryAllocate(100, 8);
            talc.free(other, 8000);
            talc.free(hole, 4000);
            // The smallest gap that fits becomes the victim, and the next requests without a gap of their size
            // are carved from it one after the other, whatever their sizes.
            long at = hole;
            for (long size : new long[] {40, 200, 90, 500, 24, 1000}) {
                long offset = talc.tryAllocate(size, 8);
                assertEquals(at, offset, "size " + size);
                at += Tag.chunkSize(size);
                talc.verify();
            }
        }
    }
}

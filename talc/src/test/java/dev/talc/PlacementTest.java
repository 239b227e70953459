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

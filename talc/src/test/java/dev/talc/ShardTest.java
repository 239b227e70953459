package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard's remembered failure: what it answers at once, and each way of forgetting it, with the
 * invariant (the remembered request still fails) checked after every step.
 */
class ShardTest extends Fixtures.FreshMemory {
    private static final long BLOCK = 4096;

    ShardTest() {
        super(256 << 10, Arena::ofConfined);
    }

    /** A shard over the whole memory, filled with 4 KiB blocks (and one 64-byte block after the first). */
    private Shard filled(List<Long> blocks, boolean remembersFailures) {
        Shard shard = new Shard(Talc.over(memory), 0, remembersFailures);
        blocks.add(shard.tryAllocate(BLOCK, 8));
        blocks.add(shard.tryAllocate(64, 8));
        long offset;
        while ((offset = shard.tryAllocate(BLOCK, 8)) >= 0) {
            blocks.add(offset);
        }
        return shard;
    }

    @Test
    void answersRequestsAtLeastAsLargeAndAsAlignedAsTheFailedOne() {
        Shard shard = filled(new ArrayList<>(), true);
        assertTrue(shard.knownNotToFit(BLOCK, 8));
        assertTrue(shard.knownNotToFit(BLOCK + 1, 8));
        assertTrue(shard.knownNotToFit(BLOCK, 4096));
        assertFalse(shard.knownNotToFit(BLOCK - 1, 8), "smaller: it may fit");
        assertFalse(shard.knownNotToFit(BLOCK, 4), "less aligned: it may fit");
        assertFalse(shard.knownNotToFit(2 * BLOCK, 24), "an invalid alignment must reach Talc, which throws");
        shard.checkRememberedFailure();
    }

    @Test
    void keepsItWhileFreedGapsAreSmallerAndForgetsItOnceOneIsLargeEnough() {
        List<Long> blocks = new ArrayList<>();
        Shard shard = filled(blocks, true);
        long large = 5 * BLOCK;
        assertEquals(-1, shard.tryAllocate(large, 8));
        assertTrue(shard.knownNotToFit(large, 8));
        // Free neighbouring 4 KiB blocks one by one: the gap grows by one block each time.
        int first = 2;
        int freed = 0;
        while (shard.knownNotToFit(large, 8)) {
            shard.free(blocks.get(first + freed), BLOCK);
            freed++;
            shard.checkRememberedFailure();
            shard.talc.verify();
        }
        assertEquals(5, freed, "forgotten exactly when the merged gap could hold the request");
        assertTrue(shard.tryAllocate(large, 8) >= 0);
    }

    @Test
    void forgetsItWhenTheQuickBinsKeepAFreedChunk() {
        List<Long> blocks = new ArrayList<>();
        Shard shard = filled(blocks, true);
        assertEquals(-1, shard.tryAllocate(2 * BLOCK, 8));
        assertTrue(shard.knownNotToFit(2 * BLOCK, 8));
        shard.free(blocks.get(1), 64); // both neighbours live: cached, and a flush could merge it later
        assertFalse(shard.knownNotToFit(2 * BLOCK, 8));
        shard.checkRememberedFailure();
    }

    @Test
    void forgetsItWhenToldTheShardGainedFreeMemory() {
        Shard shard = filled(new ArrayList<>(), true);
        assertTrue(shard.knownNotToFit(BLOCK, 8));
        shard.gainedFreeMemory();
        assertFalse(shard.knownNotToFit(BLOCK, 8));
    }

    @Test
    void remembersNothingForATalcWithItsOwnHandler() {
        Shard shard = filled(new ArrayList<>(), false);
        assertEquals(-1, shard.tryAllocate(BLOCK, 8));
        assertFalse(shard.knownNotToFit(BLOCK, 8), "a handler may make room: every request must reach it");
    }
}

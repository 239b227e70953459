package dev.talc;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator contract for a sharded {@link ConcurrentTalc}: the default shard count, and three shards. */
class ConcurrentTalcContractTest extends AllocatorContractTest {
    @Override
    TalcAllocator create(MemorySegment memory) {
        return ConcurrentTalc.over(memory);
    }

    @Test
    void shouldUseOneShardPerProcessorForLargeMemory() {
        int expected = (int) Math.min(Runtime.getRuntime().availableProcessors(), MEMORY_BYTES / (64 << 10));
        assertEquals(expected, ((ConcurrentTalc) allocator).shardCount());
    }

    /** Three shards: blocks larger than one shard need free memory moved between shards. */
    @Nested
    class ThreeShards extends AllocatorContractTest {
        @Override
        TalcAllocator create(MemorySegment memory) {
            return ConcurrentTalc.builder(memory).shards(3).build();
        }

        @Test
        void shouldHaveThreeShards() {
            assertEquals(3, ((ConcurrentTalc) allocator).shardCount());
            assertEquals(3, allocator.stats().heapCount());
        }

        /**
         * A request larger than all free memory cannot succeed, so it must not rebalance the shards.
         * Today it moves all free memory into shard 0 (shards 1 and 2 are left with no heap), so every
         * later allocation serialises on shard 0's lock: one bad request ends the scaling for good.
         */
        @Test
        void shouldKeepItsShardsAfterARequestLargerThanAllFreeMemory() {
            long block = allocator.tryAllocate(1000, 8);
            assertEquals(-1, allocator.tryAllocate(2 * MEMORY_BYTES, 8));
            assertEquals(3, allocator.stats().heapCount(), "heaps after the failed request");
            allocator.free(block, 1000);
        }

        /**
         * Allocates 4 KiB blocks into {@code blocks} until one lands outside the home shard (checking the
         * remembered failures after each); returns the home's index.
         */
        private int fillHome(ConcurrentTalc talc, List<Long> blocks) {
            long first = talc.tryAllocate(4096, 8);
            int home = talc.shardIndexOf(first);
            blocks.add(first);
            long next;
            do {
                next = talc.tryAllocate(4096, 8);
                blocks.add(next);
                talc.checkRememberedFailures();
            } while (talc.shardIndexOf(next) == home);
            return home;
        }

        /** Frees every 4 KiB block of {@code blocks}; then nothing is allocated and verify() passes. */
        private void freeAll(ConcurrentTalc talc, List<Long> blocks) {
            for (long block : blocks) {
                talc.free(block, 4096);
            }
            talc.verify();
            assertEquals(0, talc.stats().allocatedBytes());
        }

        /**
         * Once the home shard is full, requests go elsewhere; the home remembers what did not fit, and
         * forgets it on a free, so the next allocation that fits there is served there again (first fit
         * in shard order is what keeps heap efficiency).
         */
        @Test
        void shouldServeFromTheHomeAgainOnceAFreeMadeRoomThere() {
            ConcurrentTalc talc = (ConcurrentTalc) allocator;
            List<Long> blocks = new ArrayList<>();
            int home = fillHome(talc, blocks);
            long first = blocks.get(0);
            long elsewhere = blocks.get(blocks.size() - 1);
            long next = talc.tryAllocate(4096, 8);
            assertEquals(talc.shardIndexOf(elsewhere), talc.shardIndexOf(next), "the full home is skipped");
            blocks.add(next);
            talc.free(first, 4096);
            blocks.remove(first);
            long again = talc.tryAllocate(4096, 8);
            assertEquals(home, talc.shardIndexOf(again), "the home serves again after a free there");
            assertEquals(first, again, "the freed block's place");
            blocks.add(again);
            talc.checkRememberedFailures();
            freeAll(talc, blocks);
        }

        @Test
        void shouldStillRejectABadAlignmentWhenTheHomeIsFull() {
            ConcurrentTalc talc = (ConcurrentTalc) allocator;
            List<Long> blocks = new ArrayList<>();
            fillHome(talc, blocks);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.tryAllocate(8192, 24));
            assertTrue(e.getMessage().contains("byteAlignment=24"), e.getMessage());
            freeAll(talc, blocks);
        }
    }
}

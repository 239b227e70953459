package dev.talc;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    }
}

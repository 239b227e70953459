package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The allocator contract for the seed's simple form: one lock around one {@link Talc}. */
class LockedTalcContractTest extends AllocatorContractTest {
    @Override
    TalcAllocator create(MemorySegment memory) {
        return ConcurrentTalc.locked(Talc.over(memory));
    }

    @Test
    void shouldHaveOneShard() {
        assertEquals(1, ((ConcurrentTalc) allocator).shardCount());
        assertEquals(1, allocator.stats().heapCount());
    }
}

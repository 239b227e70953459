package dev.talc;

import org.junit.jupiter.api.Nested;

import java.lang.foreign.MemorySegment;

/** The allocator contract for a single-threaded {@link Talc} over the whole memory. */
class TalcContractTest extends AllocatorContractTest {
    @Override
    TalcAllocator create(MemorySegment memory) {
        return Talc.over(memory);
    }

    /** The same contract in checked mode. */
    @Nested
    class Checked extends AllocatorContractTest {
        @Override
        TalcAllocator create(MemorySegment memory) {
            return Talc.builder(memory).checked(true).claimAll().build();
        }
    }
}

package dev.talc;

import org.junit.jupiter.api.Nested;

import java.lang.foreign.MemorySegment;

/** The arena contract for a single-threaded {@link Talc} over the whole memory, and in checked mode. */
class TalcArenaContractTest extends ArenaContractTest {
    @Override
    TalcAllocator create(MemorySegment memory) {
        return Talc.over(memory);
    }

    /** The same contract in checked mode (every free of the arena's blocks checked against a registry). */
    @Nested
    class Checked extends ArenaContractTest {
        @Override
        TalcAllocator create(MemorySegment memory) {
            return Talc.builder(memory).checked(true).claimAll().build();
        }
    }
}

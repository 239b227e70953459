package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of every operation of {@link Talc}: allocate (raw and segment, sizes and
 * alignments up to 1 MiB and beyond), free, reallocate, grow in place, shrink, claim, extend, truncate
 * and the span queries, under every kind of OOM handler (fail, claim once, extend doubling, one that
 * throws, one that lies, one that makes too little room), over 4 KiB – 4 MiB of native or
 * {@code long[]} memory with guard bytes around it, in default or checked mode.
 *
 * <p>After every step {@code verify()} passes and the counters match the {@link LiveBlocks} model;
 * contents are checked before every free and after every move; at the end everything is freed, the
 * counters are back at zero, every heap is released, and the guard bytes are intact.
 *
 * <p>Regression mode (the default, in CI) replays the committed corpus under
 * {@code src/test/resources/dev/talc/TalcFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see
 * {@code talc/FUZZING.md}).
 */
class TalcFuzzTest {
    /** At most this many operations per input (an input of a few KiB gives a few hundred). */
    static final int MAX_STEPS = 500;
    private static final FuzzSummary SUMMARY = new FuzzSummary("TalcFuzzTest", "largestBlock");

    @FuzzTest(maxDuration = "5m")
    void shouldKeepEveryInvariantWhateverTheOperations(FuzzedDataProvider data) {
        Choices in = Choices.of(data);
        TalcWorkload workload = TalcWorkload.create(in, in.percent(25));
        try {
            for (int step = 0; step < MAX_STEPS && in.hasMore(); step++) {
                workload.step();
                workload.check();
            }
            workload.finish();
        } finally {
            workload.close();
        }
        SUMMARY.inputs.increment();
        SUMMARY.operations.add(workload.operations);
        SUMMARY.failedAllocations.add(workload.failedAllocations);
        SUMMARY.special.accumulateAndGet(workload.largestAllocation, Math::max);
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(null);
    }
}

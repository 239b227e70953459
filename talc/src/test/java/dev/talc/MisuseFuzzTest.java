package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of misuse: valid operations ({@link TalcWorkload}) mixed with invalid ones
 * ({@link MisuseWorkload}: double frees — plain, after coalescing, from a quick bin —, offsets outside
 * every heap or in a released one, foreign segments, bad spans, bad arguments, random offsets,
 * interior pointers, wrong sizes, stale blocks), in default or checked mode.
 *
 * <p>Every rejection must be an {@link IllegalArgumentException} or {@link IllegalStateException} with
 * {@code key=value} detail, with the heap intact: {@code verify()} passes, every live block holds its
 * contents, {@code stats()} is unchanged, the guard bytes around the memory are intact. Checked mode
 * must reject every invalid call; default mode the classes DESIGN §4 promises (double frees,
 * out-of-range offsets, foreign segments, bad spans and arguments). Other misuse accepted in default
 * mode is counted, not failed: the run then stops, after checking that nothing outside the allocator's
 * memory changed.
 */
class MisuseFuzzTest {
    static final int MAX_STEPS = 500;
    static final MisuseCensus CENSUS = new MisuseCensus();
    private static final FuzzSummary SUMMARY = new FuzzSummary("MisuseFuzzTest", "misuseCalls");

    @FuzzTest(maxDuration = "5m")
    void shouldRejectMisuseAndLoseNothing(FuzzedDataProvider data) {
        Choices in = Choices.of(data);
        TalcWorkload workload = TalcWorkload.create(in, in.nextBoolean());
        MisuseWorkload misuse = new MisuseWorkload(workload, CENSUS, true);
        try {
            misuse.run(MAX_STEPS);
        } finally {
            workload.close();
        }
        SUMMARY.inputs.increment();
        SUMMARY.operations.add(workload.operations + misuse.attempts);
        SUMMARY.failedAllocations.add(workload.failedAllocations);
        SUMMARY.special.addAndGet(misuse.attempts);
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(CENSUS);
    }
}

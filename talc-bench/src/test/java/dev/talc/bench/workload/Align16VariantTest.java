package dev.talc.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.alloc.Contenders;

/**
 * The alignment-16 variant of random actions: the same draws as the standard variant, every alignment raised to
 * at least 16, and the budgets that run it.
 */
class Align16VariantTest {

    /** Never fails, touches no memory, and records every call as (op, size, alignment, new size or 0). */
    private static final class Recorder implements BenchAllocator {
        static final int CALLS = 20_000;
        final long[][] calls = new long[CALLS][];
        int count;
        long next = 1;

        private void record(long op, long size, long align, long newSize) {
            if (count < CALLS) {
                calls[count++] = new long[] {op, size, align, newSize};
            }
        }

        @Override public String name() {
            return "recorder";
        }

        @Override public String notes() {
            return "";
        }

        @Override public boolean threadSafe() {
            return false;
        }

        @Override public long allocate(long size, long align) {
            record('A', size, align, 0);
            return next++;
        }

        @Override public void free(long handle, long size, long align) {
            record('F', size, align, 0);
        }

        @Override public long reallocate(long handle, long oldSize, long align, long newSize) {
            record('R', oldSize, align, newSize);
            return handle;
        }

        @Override public void touch(long handle, long offset, byte value) {
        }

        @Override public byte peek(long handle, long offset) {
            return 0;
        }

        @Override public long address(long handle) {
            return -1;
        }

        @Override public long arenaBytes() {
            return -1;
        }

        @Override public void close() {
        }
    }

    private static Recorder record(RandomActions.Variant variant, boolean realloc) {
        Recorder r = new Recorder();
        // long enough for far more than Recorder.CALLS actions; the recorder keeps the first CALLS
        RandomActions.runActions(r, 1000, realloc, variant, 30_000_000L, new Wyrand(Params.SEED),
                new LiveBlocks(Params.RA_LIVE_CAPACITY));
        return r;
    }

    @Test
    void shouldDrawTheStandardSequenceWithEveryAlignmentRaisedToSixteen() {
        for (boolean realloc : new boolean[] {true, false}) {
            Recorder standard = record(RandomActions.Variant.STANDARD, realloc);
            Recorder align16 = record(RandomActions.Variant.ALIGN16, realloc);
            int n = Math.min(standard.count, align16.count);
            assertTrue(n >= 1000, "only " + n + " calls recorded");
            int raised = 0;
            int reallocs = 0;
            for (int i = 0; i < n; i++) {
                long[] s = standard.calls[i];
                long[] a = align16.calls[i];
                String at = "call=" + i + " realloc=" + realloc;
                assertEquals(s[0], a[0], at); // the same action
                assertEquals(s[1], a[1], at); // the same size (for a realloc: the same old size)
                assertEquals(s[3], a[3], at); // the same new size of a realloc
                assertTrue(s[2] >= 8 && Long.bitCount(s[2]) == 1, at + " align=" + s[2]);
                assertEquals(Math.max(s[2], 16), a[2], at); // a block keeps its raised alignment to the end
                raised += s[2] < 16 ? 1 : 0;
                reallocs += s[0] == 'R' ? 1 : 0;
            }
            assertTrue(raised > n / 4, "raised=" + raised + " of " + n + ": the standard variant should draw 8 often");
            assertEquals(realloc, reallocs > 0, "reallocs=" + reallocs);
        }
    }

    @Test
    void shouldNameTheVariantsAndRejectAnUnknownOneWithItsName() {
        assertEquals(RandomActions.Variant.ALIGN16, RandomActions.Variant.byId("align16"));
        assertEquals(RandomActions.Variant.STANDARD, RandomActions.Variant.byId("standard"));
        assertEquals(16, RandomActions.Variant.ALIGN16.minAlign());
        assertEquals("random_actions_no_realloc", RandomActions.Variant.STANDARD.benchmark(false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RandomActions.Variant.byId("align8"));
        assertTrue(e.getMessage().contains("variant=align8") && e.getMessage().contains("align16"), e.getMessage());
    }

    @Test
    void shouldRunTheVariantWithReallocAtEveryMInQuickForTalcsFormsAndInFullForEveryone() {
        for (String talc : List.of(Contenders.TALC, Contenders.CONCURRENT_TALC, Contenders.TALC_FENCE)) {
            assertEquals(Params.RA_MAX_SIZES, Params.QUICK.align16Sizes(talc, true), talc);
            assertEquals(List.of(), Params.QUICK.align16Sizes(talc, false), talc);
            assertEquals(Params.RA_MAX_SIZES, Params.FULL.align16Sizes(talc, true), talc);
            assertEquals(Params.RA_MAX_SIZES, Params.FULL.align16Sizes(talc, false), talc);
        }
        assertEquals(List.of(), Params.QUICK.align16Sizes("one-nio Malloc", true));
        assertEquals(Params.RA_MAX_SIZES, Params.FULL.align16Sizes("one-nio Malloc", true));
        assertEquals(List.of(), Params.FULL.align16Sizes("one-nio Malloc", false));
        assertTrue(Params.QUICK.describe().contains("alignment 16"), Params.QUICK.describe());
    }

    @Test
    void shouldRejectABudgetThatRunsTheVariantWhereTheStandardOneDoesNotRun() {
        Params.Budget t = Params.TINY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Params.Budget("odd",
                t.trials(), t.durationNanos(), t.warmupNanos(), t.firstWarmupNanos(), List.of(1000), List.of(1000),
                List.of(), List.of(), new Params.Align16Runs(List.of(1000), List.of(), List.of(1000, 3000), List.of()),
                t.heapRounds(), t.microOps(),
                t.pressureOps(), t.alignmentReps(), t.childTimeoutSeconds(), t.workloads(), t.traces()));
        assertTrue(e.getMessage().contains("budget=odd peers=true realloc=true align16=[1000, 3000]"),
                e.getMessage());
    }
}

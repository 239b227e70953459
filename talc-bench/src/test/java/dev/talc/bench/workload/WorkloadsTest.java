package dev.talc.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.TalcAdapter;
import dev.talc.bench.report.ResultsCsv;
import dev.talc.bench.report.Row;

/**
 * Each workload on the {@link Params#TINY} budget against Talc, ConcurrentTalc and one peer (one-nio
 * Malloc: pure Java, runs everywhere): the rows it promises exist and their figures are sane.
 */
class WorkloadsTest {

    static Stream<Named<AllocatorFactory>> allocators() {
        return Stream.of("talc", "concurrenttalc", "one-nio-malloc")
                .map(Contenders::byId).map(c -> Named.of(c.name(), c.factory()));
    }

    private static List<Row> run(Workload w, AllocatorFactory f) throws Exception {
        List<Row> rows = new ArrayList<>();
        w.run(f, Params.TINY, Progress.SILENT, rows::add);
        return rows;
    }

    private static Row row(List<Row> rows, String benchmark, int threads, long maxSize) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.threads() == threads
                && r.maxSize() == maxSize).findFirst().orElseThrow(() -> new AssertionError("no row " + benchmark
                + " t=" + threads + " M=" + maxSize + " in " + rows));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void randomActionsCountsOperations(AllocatorFactory f) throws Exception {
        List<Row> rows = run(new RandomActions(), f);
        for (boolean realloc : new boolean[] {true, false}) {
            String b = realloc ? RandomActions.NAME : RandomActions.NAME_NO_REALLOC;
            Row one = row(rows, b, 1, 1000);
            assertTrue(one.measured() && one.score() > 1000, () -> "too few operations: " + one);
            assertEquals(RandomActions.UNIT, one.unit());
        }
        Row two = row(rows, RandomActions.NAME, 2, 1000);
        if (f.threadSafe()) {
            assertTrue(two.measured() && two.score() > 1000, () -> "too few operations: " + two);
        } else {
            assertFalse(two.measured());
            assertTrue(two.note().startsWith("n/a"), two.note());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void shouldReportTheAlign16VariantItsRatioToTheStandardOneAndTheirCsvRows(AllocatorFactory f) throws Exception {
        List<Row> rows = run(new RandomActions(), f);
        String csv = ResultsCsv.format(rows);
        for (boolean realloc : new boolean[] {true, false}) {
            Row standard = row(rows, RandomActions.Variant.STANDARD.benchmark(realloc), 1, 1000);
            Row align16 = row(rows, RandomActions.Variant.ALIGN16.benchmark(realloc), 1, 1000);
            Row ratio = row(rows, RandomActions.ratioName(realloc), 1, 1000);
            assertTrue(align16.measured() && align16.score() > 1000, () -> "too few operations: " + align16);
            assertEquals(RandomActions.UNIT, align16.unit());
            // the median of per-trial ratios: with the tiny budget's one trial, the ratio of the two scores
            assertEquals(align16.score() / standard.score(), ratio.score(), 1e-9);
            assertEquals(RandomActions.RATIO_UNIT, ratio.unit());
            for (Row r : List.of(align16, ratio)) {
                assertTrue(csv.contains("\n" + r.benchmark() + "," + ResultsCsv.field(f.name()) + ",1,1000,"), csv);
            }
        }
        assertEquals("random_actions_align16", RandomActions.NAME_ALIGN16);
        assertEquals("random_actions_no_realloc_align16_ratio", RandomActions.ratioName(false));
        assertTrue(rows.stream().noneMatch(r -> r.threads() == 2 && r.benchmark().contains("align16")), rows::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void heapEfficiencyIsAPercentageOfTheArena(AllocatorFactory f) throws Exception {
        Row r = row(run(new HeapEfficiency(), f), HeapEfficiency.NAME, 1, Params.HE_MAX_SIZE);
        assertTrue(r.measured(), r::toString);
        assertTrue(r.score() > 30 && r.score() <= 100, r::toString);
        if (f.name().equals(Contenders.TALC)) {
            assertTrue(r.score() > 80, () -> "Talc should fill most of its arena: " + r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void microbenchPercentilesAreOrdered(AllocatorFactory f) throws Exception {
        List<Row> rows = run(new Microbench(), f);
        for (boolean pressure : new boolean[] {false, true}) {
            for (String op : List.of("allocate", "free")) {
                double previous = 0;
                for (double p : Params.MB_PERCENTILES) {
                    Row r = row(rows, Microbench.rowName(pressure, op, p), 1, Params.MB_MAX_SIZE);
                    assertTrue(r.measured(), r::toString);
                    assertTrue(r.score() >= previous, () -> "percentiles out of order at " + r);
                    assertTrue(r.score() < 10_000_000_000L, r::toString);
                    assertTrue(r.note().contains("timer overhead"), r.note());
                    previous = r.score();
                }
            }
        }
        assertEquals("microbench_allocate_p99.9", Microbench.rowName(false, "allocate", 99.9));
        assertEquals("microbench_pressure_free_max", Microbench.rowName(true, "free", 100));
        assertEquals("microbench_free_p1", Microbench.rowName(false, "free", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void highAlignmentReportsBothTimesAndTheirRatio(AllocatorFactory f) throws Exception {
        List<Row> rows = run(new HighAlignment(), f);
        Row low = row(rows, HighAlignment.NAME_LOW, 1, HighAlignment.MAX_SIZE);
        Row high = row(rows, HighAlignment.NAME_HIGH, 1, HighAlignment.MAX_SIZE);
        Row ratio = row(rows, HighAlignment.NAME_RATIO, 1, HighAlignment.MAX_SIZE);
        assertTrue(low.score() > 0 && high.score() > 0, rows::toString);
        assertEquals(high.score() / low.score(), ratio.score(), 1e-9);
        assertEquals("ms", low.unit());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void notThreadSafeAllocatorsAreNotRunWithTwoThreads(AllocatorFactory f) throws Exception {
        assertEquals(f.name().equals(Contenders.TALC), !f.threadSafe());
    }

    @org.junit.jupiter.api.Test
    void randomActionsLeavesTalcConsistentAndEmpty() throws Exception {
        try (TalcAdapter a = new TalcAdapter(Params.ARENA_BYTES)) {
            LiveBlocks live = new LiveBlocks(Params.RA_LIVE_CAPACITY);
            long[] result = RandomActions.runActions(a, 3000, true, RandomActions.Variant.STANDARD, 20_000_000L,
                    new Wyrand(Params.SEED), live);
            assertTrue(result[0] > 0);
            assertTrue(live.count() >= Math.min(Params.RA_MIN_LIVE, result[0] / 2));
            a.talc().verify();
            assertEquals(live.count(), a.talc().stats().allocationCount());
            assertEquals(live.liveBytes(), a.talc().stats().allocatedBytes());
            live.freeAll(a);
            a.talc().verify();
            assertEquals(0, a.talc().stats().allocationCount());
        }
    }
}

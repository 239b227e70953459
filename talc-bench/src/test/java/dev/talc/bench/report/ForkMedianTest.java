package dev.talc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Rows of several forks fold into one row per configuration holding the median of the forks' scores. */
class ForkMedianTest {

    private static Row ra(String allocator, long m, double score) {
        return Row.of("random_actions", allocator, 1, m, score, "ops/200ms", "trials: ...");
    }

    @Test
    void shouldTakeTheMedianPerConfigurationInFirstSeenOrder() {
        List<Row> folded = ForkMedian.fold(List.of(
                List.of(ra("Talc", 200, 5.0e6), ra("Talc", 1000, 4.0e6)),
                List.of(ra("Talc", 200, 3.0e6), ra("Talc", 1000, 4.4e6)),
                List.of(ra("Talc", 200, 5.8e6), ra("Talc", 1000, 4.2e6))));
        assertEquals(2, folded.size());
        assertEquals(200, folded.get(0).maxSize());
        assertEquals(5.0e6, folded.get(0).score()); // not the mean, 4.6M: the slow fork does not drag it down
        assertEquals("median of 3 forks: 5.00M 3.00M 5.80M", folded.get(0).note());
        assertEquals(1000, folded.get(1).maxSize());
        assertEquals(4.2e6, folded.get(1).score());
    }

    @Test
    void shouldAverageTheMiddleTwoOfAnEvenCountAndSayWhatIsMissing() {
        Row missing = Row.missing("random_actions", "Talc", 1, 200, "ops/200ms", "failed: exception");
        List<Row> folded = ForkMedian.fold(List.of(List.of(ra("Talc", 200, 2.0)), List.of(missing),
                List.of(ra("Talc", 200, 4.0))));
        assertEquals(3.0, folded.getFirst().score());
        assertTrue(folded.getFirst().note().endsWith("; 1 forks without a score"), folded.getFirst().note());
    }

    @Test
    void shouldKeepTheFirstReasonWhenNoForkMeasuredAndPassASingleForkThrough() {
        Row first = Row.missing("heap_efficiency", "mimalloc (LWJGL)", 1, 0, "%", "n/a: no fixed arena");
        Row second = Row.missing("heap_efficiency", "mimalloc (LWJGL)", 1, 0, "%", "n/a: again");
        assertSame(first, ForkMedian.fold(List.of(List.of(first), List.of(second))).getFirst());
        List<Row> only = List.of(ra("Talc", 200, 1.0));
        assertSame(only, ForkMedian.fold(List.of(only)));
        assertTrue(Double.isNaN(ForkMedian.median()));
    }
}

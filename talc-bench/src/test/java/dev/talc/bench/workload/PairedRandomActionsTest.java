package dev.talc.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;

/** Paired trials on a tiny duration: one figure per configuration, consistent with its rounds, and the CSV. */
class PairedRandomActionsTest {

    @Test
    void givesEveryConfigurationAMedianRatioWithinItsRangeAndWritesTheCsv(@TempDir Path out) throws Exception {
        Contender talc = Contenders.byId("talc");
        Contender concurrent = Contenders.byId("concurrenttalc");
        List<String> lines = new ArrayList<>();
        List<PairedRandomActions.Pair> pairs = PairedRandomActions.run(talc, concurrent, 3, 3_000_000L, lines::add, out);

        assertEquals(2 * Params.RA_MAX_SIZES.size(), pairs.size());
        assertEquals(pairs.size(), lines.size());
        for (PairedRandomActions.Pair p : pairs) {
            assertTrue(p.baseMedian() > 0 && p.withMedian() > 0, p::toString);
            assertTrue(p.ratioMin() <= p.ratioMedian() && p.ratioMedian() <= p.ratioMax(), p::toString);
            assertTrue(p.ratioMin() > 0 && Double.isFinite(p.ratioMax()), p::toString);
            assertEquals(3, p.rounds());
        }
        assertEquals(RandomActions.NAME, pairs.get(0).benchmark());
        assertEquals(RandomActions.NAME_NO_REALLOC, pairs.get(pairs.size() - 1).benchmark());

        List<String> csv = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals(PairedRandomActions.HEADER, csv.get(0));
        assertEquals(pairs.size() + 1, csv.size());
        assertTrue(csv.get(1).startsWith(RandomActions.NAME + ",Talc,ConcurrentTalc,200,"), csv.get(1));
    }

    @Test
    void rejectsNoRounds(@TempDir Path out) {
        Contender talc = Contenders.byId("talc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedRandomActions.run(talc, talc, 0, 3_000_000L, Progress.SILENT, out));
        assertTrue(e.getMessage().contains("rounds=0"), e.getMessage());
    }
}

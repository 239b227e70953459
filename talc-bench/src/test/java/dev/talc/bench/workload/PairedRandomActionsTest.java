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
        List<PairedRandomActions.Pair> pairs = PairedRandomActions.run(talc, List.of(concurrent),
                PairedRandomActions.Plan.every(3, 3_000_000L), lines::add, out);

        assertEquals(2 * Params.RA_MAX_SIZES.size(), pairs.size());
        assertEquals(pairs.size(), lines.size());
        for (PairedRandomActions.Pair p : pairs) {
            assertTrue(p.baseMedian() > 0 && p.withMedian() > 0, p::toString);
            assertTrue(p.ratioMin() <= p.ratioMedian() && p.ratioMedian() <= p.ratioMax(), p::toString);
            assertTrue(p.ratioMin() > 0 && Double.isFinite(p.ratioMax()), p::toString);
            assertEquals(3, p.rounds());
            assertEquals(Contenders.CONCURRENT_TALC, p.with());
        }
        assertEquals(RandomActions.NAME, pairs.get(0).benchmark());
        assertEquals(RandomActions.NAME_NO_REALLOC, pairs.get(pairs.size() - 1).benchmark());

        List<String> csv = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals(PairedRandomActions.HEADER, csv.get(0));
        assertEquals(pairs.size() + 1, csv.size());
        assertTrue(csv.get(1).startsWith(RandomActions.NAME + ",Talc,ConcurrentTalc,200,"), csv.get(1));
    }

    @Test
    void setsSeveralAllocatorsAgainstOneBaseInTheChosenConfigurationsOnly(@TempDir Path out) throws Exception {
        Contender talc = Contenders.byId("talc");
        List<Contender> with = List.of(Contenders.byId("talc-fence"), Contenders.byId("talc-bare-lock"),
                Contenders.byId("concurrenttalc"));
        PairedRandomActions.Plan plan = new PairedRandomActions.Plan(List.of(3000, 200), List.of(false), 2, 2_000_000L);
        List<PairedRandomActions.Pair> pairs = PairedRandomActions.run(talc, with, plan, Progress.SILENT, out);

        assertEquals(2 * with.size(), pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            PairedRandomActions.Pair p = pairs.get(i);
            assertEquals(RandomActions.NAME_NO_REALLOC, p.benchmark());
            assertEquals(i < with.size() ? 3000 : 200, p.maxSize());
            assertEquals(with.get(i % with.size()).name(), p.with());
            assertTrue(p.ratioMin() <= p.ratioMedian() && p.ratioMedian() <= p.ratioMax(), p::toString);
        }
        // every pair of one configuration shares the base's scores
        assertEquals(pairs.get(0).baseMedian(), pairs.get(2).baseMedian());
        List<String> csv = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals(pairs.size() + 1, csv.size());
        assertTrue(csv.get(2).startsWith(RandomActions.NAME_NO_REALLOC + ",Talc,Talc + bare lock,3000,"), csv.get(2));
    }

    @Test
    void rejectsAnEmptyOrOutOfRangePlanAndNoOtherAllocator(@TempDir Path out) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedRandomActions.Plan.every(0, 3_000_000L));
        assertTrue(e.getMessage().contains("rounds=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PairedRandomActions.Plan(List.of(), List.of(true), 1, 1));
        assertTrue(e.getMessage().contains("maxSizes=[]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PairedRandomActions.Plan(List.of(200), List.of(), 1, 1));
        assertTrue(e.getMessage().contains("reallocModes=[]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PairedRandomActions.Plan(List.of(0), List.of(true), 1, 1));
        assertTrue(e.getMessage().contains("maxSizes=[0]"), e.getMessage());
        Contender talc = Contenders.byId("talc");
        e = assertThrows(IllegalArgumentException.class,
                () -> PairedRandomActions.run(talc, List.of(), PairedRandomActions.Plan.every(1, 1), Progress.SILENT, out));
        assertTrue(e.getMessage().contains("with=[]"), e.getMessage());
    }

    @Test
    void shouldParseASideWithOrWithoutAVariantAndRejectBadOnesWithKeyValueDetail() {
        PairedRandomActions.Side plain = PairedRandomActions.Side.parse("talc");
        assertEquals(Contenders.TALC, plain.contender().name());
        assertEquals(RandomActions.Variant.STANDARD, plain.variant());
        PairedRandomActions.Side align16 = PairedRandomActions.Side.parse("talc:align16");
        assertEquals(Contenders.TALC, align16.contender().name());
        assertEquals(RandomActions.Variant.ALIGN16, align16.variant());
        assertEquals(RandomActions.Variant.STANDARD, PairedRandomActions.Side.parse("concurrenttalc:standard").variant());
        assertEquals("Talc [align16]", align16.label(true));
        assertEquals("Talc", align16.label(false));
        for (String bad : List.of("talc:align8", "talc:", ":align16", "nope:align16", "talc:align16:x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PairedRandomActions.Side.parse(bad));
            assertTrue(e.getMessage().contains("side=" + bad), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedRandomActions.Side.parse("talc:align8"));
        assertTrue(e.getMessage().contains("variant=align8"), e.getMessage());
    }

    @Test
    void shouldSetAVariantAgainstTheStandardRunAndSayWhichEachSideRan(@TempDir Path out) throws Exception {
        PairedRandomActions.Side base = PairedRandomActions.Side.parse("talc");
        PairedRandomActions.Side with = PairedRandomActions.Side.parse("talc:align16");
        List<String> lines = new ArrayList<>();
        PairedRandomActions.Plan plan = new PairedRandomActions.Plan(List.of(1000), List.of(true, false), 2, 2_000_000L);
        List<PairedRandomActions.Pair> pairs = PairedRandomActions.runSides(base, List.of(with), plan, lines::add, out);

        assertEquals(2, pairs.size());
        for (PairedRandomActions.Pair p : pairs) {
            assertEquals(Contenders.TALC, p.with());
            assertEquals(RandomActions.Variant.ALIGN16, p.withVariant());
            assertTrue(p.baseMedian() > 0 && p.withMedian() > 0, p::toString);
        }
        assertTrue(lines.get(0).contains("Talc [standard]") && lines.get(0).contains("Talc [align16]"), lines.get(0));
        List<String> csv = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals(PairedRandomActions.HEADER, csv.get(0));
        assertTrue(PairedRandomActions.HEADER.endsWith(",base_variant,with_variant"), PairedRandomActions.HEADER);
        assertTrue(csv.get(1).startsWith(RandomActions.NAME + ",Talc,Talc,1000,"), csv.get(1));
        assertTrue(csv.get(1).endsWith(",2,standard,align16"), csv.get(1));
        assertTrue(csv.get(2).startsWith(RandomActions.NAME_NO_REALLOC + ",Talc,Talc,1000,"), csv.get(2));
    }
}

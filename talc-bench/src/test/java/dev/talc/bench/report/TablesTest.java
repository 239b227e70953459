package dev.talc.bench.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.RandomActions;

/** The printed tables: ratios beside the figures, the Rust reference row, and no allocator dropped silently. */
class TablesTest {

    @Test
    void shouldShowRatiosTheRustReferenceAndEveryReason() {
        List<Contenders.Contender> contenders = List.of(Contenders.byId("talc"), Contenders.byId("one-nio-malloc"),
                Contenders.byId("jemalloc-lwjgl"), Contenders.byId("rpmalloc-lwjgl"));
        List<Row> rows = List.of(
                Row.of(RandomActions.NAME, "Talc", 1, 1000, 4_000_000, RandomActions.UNIT, ""),
                Row.of(RandomActions.NAME, "one-nio Malloc", 1, 1000, 2_000_000, RandomActions.UNIT, ""),
                Row.of(RandomActions.NAME, "jemalloc (LWJGL)", 1, 1000, 5_000_000, RandomActions.UNIT, ""),
                Row.missing("*", "rpmalloc (LWJGL)", 0, 0, "", "not run: rpmalloc: no natives for this platform"));
        String text = Tables.render(rows, contenders, Params.QUICK);
        assertTrue(text.contains(Params.RUST_TALC_LABEL), text);
        assertTrue(text.contains("4.00M 1.00x"), text);
        assertTrue(text.contains("2.00M 0.50x"), text);
        assertTrue(text.contains("Talc vs best Java peer"), text);
        assertTrue(text.contains("2.00x"), text); // 4M / 2M
        assertTrue(text.contains("0.80x"), text); // 4M / 5M
        assertTrue(text.contains("not run: rpmalloc: no natives for this platform"), text);
        assertTrue(text.contains("Talc vs Rust Talc reference"), text);
    }

    @Test
    void shouldPrintTalcOverGlibcThroughFfmAboveTheParityTargetInBothOneThreadTables() {
        List<Contenders.Contender> contenders = List.of(Contenders.byId("talc"), Contenders.byId("jdk-malloc-ffm"));
        List<Row> rows = new java.util.ArrayList<>();
        for (String benchmark : List.of(RandomActions.NAME, RandomActions.NAME_NO_REALLOC)) {
            for (int m : Params.RA_MAX_SIZES) {
                rows.add(Row.of(benchmark, "Talc", 1, m, 3_000_000, RandomActions.UNIT, ""));
                rows.add(Row.of(benchmark, "JDK malloc (FFM)", 1, m, m == 200 ? 2_000_000 : 2_500_000,
                        RandomActions.UNIT, ""));
            }
        }
        String text = Tables.render(rows, contenders, Params.QUICK);
        String withRealloc = text.substring(text.indexOf("Random actions, with realloc, 1 thread"),
                text.indexOf("Random actions, without realloc, 1 thread"));
        String full = Tables.render(rows, contenders, Params.FULL); // quick runs M = 1000 only without realloc
        String withoutRealloc = full.substring(full.indexOf("Random actions, without realloc, 1 thread"));
        assertTrue(withRealloc.matches("(?s).*\\nTalc / JDK malloc \\(FFM\\) +1\\.50x +1\\.20x +1\\.20x +1\\.20x +1\\.20x\\n"
                + "parity target: Rust Talc / glibc in Rust \\(DESIGN\\.md 6\\) +1\\.35x +1\\.25x +1\\.60x +2\\.00x +2\\.00x\\n.*"),
                withRealloc);
        assertTrue(withoutRealloc.matches("(?s).*\\nparity target: Rust Talc / glibc in Rust \\(DESIGN\\.md 6\\)"
                + " +1\\.10x +0\\.95x +1\\.20x +1\\.70x +2\\.30x\\n.*"), withoutRealloc);
    }

    @Test
    void shouldPrintTheAlign16ScoresTheirRatioToTheStandardPerAllocatorAndWhetherTalcMeetsTheTarget() {
        List<Contenders.Contender> contenders = List.of(Contenders.byId("talc"), Contenders.byId("one-nio-malloc"));
        List<Row> rows = new java.util.ArrayList<>();
        for (int m : Params.RA_MAX_SIZES) {
            double talcRatio = m == 3000 ? 0.941 : 0.99;
            rows.add(Row.of(RandomActions.NAME, "Talc", 1, m, 4_000_000, RandomActions.UNIT, ""));
            rows.add(Row.of(RandomActions.NAME_ALIGN16, "Talc", 1, m, 4_000_000 * talcRatio, RandomActions.UNIT, ""));
            rows.add(Row.of(RandomActions.ratioName(true), "Talc", 1, m, talcRatio, RandomActions.RATIO_UNIT, ""));
            rows.add(Row.of(RandomActions.NAME, "one-nio Malloc", 1, m, 2_000_000, RandomActions.UNIT, ""));
        }
        String quick = Tables.render(rows, contenders, Params.QUICK);
        assertTrue(quick.contains("Random actions, alignment >= 16"), quick);
        assertTrue(quick.contains("(this mode runs it for Talc's own allocators only)"), quick);
        assertTrue(quick.matches("(?s).*\\nTalc +0\\.990 +0\\.990 +0\\.941 +0\\.990 +0\\.990\\n.*"), quick);
        assertTrue(quick.contains("Talc misses the target (>= 0.95 at every M): lowest 0.941 at M=3000"), quick);
        String tableOfRatios = quick.substring(quick.indexOf("Alignment >= 16 / standard"));
        assertTrue(!tableOfRatios.substring(0, tableOfRatios.indexOf("Talc misses")).contains("one-nio"), quick);

        String full = Tables.render(rows, contenders, Params.FULL);
        assertTrue(full.matches("(?s).*\\none-nio Malloc +- +- +- +- +-\\n.*"), full); // full runs peers too
    }
}

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
}

package dev.talc.bench.report;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The leaf frames of collapsed stacks, with their shares. */
class LeafSharesTest {

    @Test
    void shouldAddUpEachLeafFrameAcrossStacksAndTiers() {
        List<String> collapsed = List.of(
                "stub;dev/talc/TalcArena.open;java/lang/invoke/VarHandleLongs$FieldInstanceReadWrite.compareAndSet_[j] 30",
                "stub;dev/talc/TalcArena.close;java/lang/invoke/VarHandleLongs$FieldInstanceReadWrite.compareAndSet_[i] 10",
                "stub;dev/talc/TalcArena.allocate;dev/talc/TalcArena.prepare 20",
                "stub;dev/talc/Talc.tryAllocate 20",
                "not a stack line",
                "Compile::Optimize 20");
        List<LeafShares> rows = LeafShares.of(collapsed);
        assertEquals(4, rows.size());
        assertEquals(new LeafShares("java/lang/invoke/VarHandleLongs$FieldInstanceReadWrite.compareAndSet", 40, 0.4),
                rows.get(0));
        // ties in order of the frame's name
        assertEquals(List.of("Compile::Optimize", "dev/talc/Talc.tryAllocate", "dev/talc/TalcArena.prepare"),
                rows.subList(1, 4).stream().map(LeafShares::frame).toList());
        assertEquals(0.2, rows.get(3).share(), 1e-12);
    }

    @Test
    void shouldPrintTheTopRowsInPercent() {
        String table = LeafShares.table(LeafShares.of(List.of("a;b 3", "a;c 1")), 1);
        assertEquals(String.format(java.util.Locale.ROOT, "%6.1f%% %8d  %s%n", 75.0, 3, "b"), table);
    }
}

package dev.talc.bench.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.RandomActions;

/** The charts of the alignment-16 variant: one per realloc mode that has ratio rows. */
class ChartsTest {

    @Test
    void shouldDrawTheAlign16RatioChartOnlyForTheModesThatRan(@TempDir Path dir) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int m : Params.RA_MAX_SIZES) {
            rows.add(Row.of(RandomActions.NAME, "Talc", 1, m, 4_000_000, RandomActions.UNIT, ""));
            rows.add(Row.of(RandomActions.ratioName(true), "Talc", 1, m, 0.97, RandomActions.RATIO_UNIT, ""));
            rows.add(Row.of(RandomActions.ratioName(true), "ConcurrentTalc", 1, m, 1.01, RandomActions.RATIO_UNIT, ""));
        }
        List<Path> files = Charts.write(dir, rows, List.of(Contenders.byId("talc"), Contenders.byId("concurrenttalc")));
        Path ratio = dir.resolve(RandomActions.ratioName(true) + ".png");
        assertTrue(files.contains(ratio) && Files.size(ratio) > 1000, files::toString);
        assertTrue(!Files.exists(dir.resolve(RandomActions.ratioName(false) + ".png")), files::toString);
    }
}

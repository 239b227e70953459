package dev.talc.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.talc.bench.workload.RandomActions;
import dev.talc.bench.workload.TraceReplay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's overview: speed relative to glibc, per trace and per random-actions size, as a table and a chart. */
class OverviewTest {

    @Test
    void shouldGiveSpeedRelativeToGlibcInBothDirectionsOfBetter(@TempDir Path dir) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of(TraceReplay.benchmark("python"), "Talc", 1, 0, 20, "ns/event", ""));
        rows.add(Row.of(TraceReplay.benchmark("python"), "glibc malloc (FFM critical)", 1, 0, 25, "ns/event", ""));
        rows.add(Row.of(TraceReplay.benchmark("python"), "mimalloc (LWJGL)", 1, 0, 10, "ns/event", ""));
        rows.add(Row.of(RandomActions.NAME, "Talc", 1, 200, 9e6, "ops/200ms", ""));
        rows.add(Row.of(RandomActions.NAME, "glibc malloc (FFM critical)", 1, 200, 6e6, "ops/200ms", ""));
        rows.add(Row.of(RandomActions.NAME, "one-nio Malloc", 1, 200, 3e6, "ops/200ms", ""));
        rows.add(Row.of(RandomActions.NAME, "Talc", 2, 200, 1e9, "ops/200ms", "")); // 2 threads: not in the overview
        List<Path> files = Overview.write(dir, rows);
        assertEquals(List.of(dir.resolve("overview.md"), dir.resolve("overview.png")), files);
        String md = Files.readString(dir.resolve("overview.md"));
        assertTrue(md.contains("| python | RA M=200 |"), md);
        assertTrue(md.contains("| **Talc** | **1.25** | **1.50** |"), md);        // 25/20 and 9/6
        assertTrue(md.contains("| glibc malloc (FFM critical) | 1.00 | 1.00 |"), md);
        assertTrue(md.contains("| one-nio Malloc | n/a | 0.50 |"), md);
        assertTrue(md.contains("| mimalloc (LWJGL) | 2.50 | n/a |"), md);
        assertTrue(Files.size(dir.resolve("overview.png")) > 1000);
    }

    @Test
    void shouldWriteNothingWithoutGlibcOrTalc(@TempDir Path dir) throws Exception {
        List<Row> rows = List.of(Row.of(RandomActions.NAME, "Talc", 1, 200, 9e6, "ops/200ms", ""));
        assertEquals(List.of(), Overview.write(dir, rows));
    }
}

package dev.talc.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.report.ResultsCsv;
import dev.talc.bench.report.Row;
import dev.talc.bench.report.Tables;

/** The trace workload on a bundled trace (rg, the smallest): its rows, the CSV lines and the tables they make. */
class TraceReplayTest {

    private static final Params.Budget BUDGET = Params.TINY.withTraces(new Params.TraceRuns(List.of("rg"), 0, 1));

    @Test
    void shouldWarmAShortTraceUpForAtLeastTheMinimumOfEvents() {
        assertEquals(22, TraceReplay.warmupPasses(2, 232_650), "rg: 22 passes make 5.1M events");
        assertEquals(3, TraceReplay.warmupPasses(2, 1_714_338), "python: 3 passes");
        assertEquals(2, TraceReplay.warmupPasses(2, 5_000_000), "as asked when that is enough");
        assertEquals(7, TraceReplay.warmupPasses(7, 1_714_338), "never fewer than asked");
        assertEquals(0, TraceReplay.warmupPasses(0, 232_650), "none asked, none made (deterministic footprint runs)");
    }

    private static List<Row> run(String id) throws Exception {
        List<Row> rows = new ArrayList<>();
        new TraceReplay().run(Contenders.byId(id).factory(), BUDGET, Progress.SILENT, rows::add);
        return rows;
    }

    private static Row row(List<Row> rows, String benchmark) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + benchmark + " in " + rows));
    }

    @Test
    void shouldReportTimeAndFootprintRowsWrittenToTheCsvAndTables() throws Exception {
        List<Row> rows = new ArrayList<>(run("talc"));
        Row time = row(rows, "trace_rg");
        assertTrue(time.measured() && time.score() > 0 && time.score() < 100_000, time::toString);
        assertEquals(TraceReplay.UNIT, time.unit());
        Row footprint = row(rows, "trace_rg_footprint");
        assertTrue(footprint.score() >= 1 && footprint.score() < 3, () -> "block span / peak live: " + footprint);
        Row bytes = row(rows, "trace_rg_footprint_bytes");
        assertTrue(bytes.score() > 1_000_000, bytes::toString);

        rows.addAll(run("glibc-malloc-ffm-critical"));
        rows.addAll(run("terracotta"));
        Row na = row(rows, "trace_*");
        assertEquals("Terracotta", na.allocator());
        assertTrue(na.note().startsWith("n/a: "), na.note());

        String csv = ResultsCsv.format(rows);
        assertTrue(csv.contains("\ntrace_rg,Talc,1,0,"), csv);
        assertTrue(csv.contains("\ntrace_rg,glibc malloc (FFM critical),1,0,"), csv);
        assertTrue(csv.contains(",ns/event\n") && csv.contains("trace_rg_footprint,Talc,1,0,"), csv);
        assertFalse(csv.contains("Terracotta"), csv);

        String tables = Tables.render(rows, List.of(Contenders.byId("talc"),
                Contenders.byId("glibc-malloc-ffm-critical"), Contenders.byId("terracotta")), BUDGET);
        assertTrue(tables.contains("Real programs' traces: ns per event"), tables);
        assertTrue(tables.contains("Talc vs glibc malloc (FFM critical)"), tables);
        assertTrue(tables.contains("peak live bytes of the trace"), tables);
        assertTrue(tables.contains("Terracotta: n/a: a storage area"), tables);
    }
}

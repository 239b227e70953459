package dev.talc.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV is exactly {@code benchmark,allocator,threads,max_size,score,unit}, RFC 4180, locale-independent. */
class ResultsCsvTest {

    @Test
    void shouldWriteTheExactHeaderAndOneLinePerMeasuredRow(@TempDir Path dir) throws Exception {
        List<Row> rows = List.of(
                Row.of("random_actions", "Talc", 1, 1000, 6101234.3333333, "ops/200ms", "trials: a b c"),
                Row.of("heap_efficiency", "one-nio Malloc", 1, 10000, 93.456789, "%", ""),
                Row.missing("heap_efficiency", "jemalloc (LWJGL)", 1, 10000, "%", "n/a: no fixed arena"),
                Row.of("microbench_allocate_p99.9", "Odd, \"quoted\" name", 1, 65536, 0.0, "ns", ""),
                Row.of("high_alignment_ratio", "Talc", 1, 4096, 1.0e-4, "x", ""));
        Path file = dir.resolve("quick/results.csv");
        Locale previous = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // decimal comma must not leak in
        try {
            ResultsCsv.write(file, rows);
        } finally {
            Locale.setDefault(previous);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(
                "benchmark,allocator,threads,max_size,score,unit",
                "random_actions,Talc,1,1000,6101234.333,ops/200ms",
                "heap_efficiency,one-nio Malloc,1,10000,93.457,%",
                "microbench_allocate_p99.9,\"Odd, \"\"quoted\"\" name\",1,65536,0,ns",
                "high_alignment_ratio,Talc,1,4096,0,x"), lines);
        assertEquals(ResultsCsv.HEADER, lines.getFirst());
        for (String line : lines.subList(1, lines.size())) {
            if (!line.contains("\"")) {
                assertEquals(6, line.split(",", -1).length, line);
            }
        }
    }

    @Test
    void shouldFormatNumbersPlainly() {
        assertEquals("12", ResultsCsv.number(12.0));
        assertEquals("95.1", ResultsCsv.number(95.1));
        assertEquals("8500000", ResultsCsv.number(8.5e6));
        assertEquals("0.002", ResultsCsv.number(0.0021));
        assertThrows(IllegalArgumentException.class, () -> ResultsCsv.number(Double.NaN));
    }

    @Test
    void shouldRoundTripRowsThroughTheRowsFile() {
        Row r = Row.of("random_actions", "ConcurrentTalc (global lock)", 2, 30000, 1234.5, "ops/200ms", "a\tb");
        Row back = Row.fromTsv(r.toTsv());
        assertEquals(r, back);
        Row missing = Row.missing("*", "rpmalloc (LWJGL)", 0, 0, "", "not run: no natives");
        assertEquals(missing.note(), Row.fromTsv(missing.toTsv()).note());
        assertEquals(Double.NaN, Row.fromTsv(missing.toTsv()).score());
    }
}

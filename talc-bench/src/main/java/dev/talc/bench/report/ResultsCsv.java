package dev.talc.bench.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code results.csv}: the header {@value #HEADER}, then one line per measured {@link Row}.
 *
 * <p>Design note: RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes doubled),
 * '\n' line ends, numbers in plain decimal notation with '.' whatever the locale (at most 3 decimals, no
 * trailing zeros, no exponent), so any CSV reader and a spreadsheet read it the same way. Rows without a
 * score (not run, n/a) are left out of the CSV: they are printed and listed in {@code summary.txt}.
 */
public final class ResultsCsv {

    /** The exact header line. */
    public static final String HEADER = "benchmark,allocator,threads,max_size,score,unit";

    private ResultsCsv() {
    }

    /** The whole file as text. */
    public static String format(List<Row> rows) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            if (!r.measured()) {
                continue;
            }
            csv.append(field(r.benchmark())).append(',')
                    .append(field(r.allocator())).append(',')
                    .append(r.threads()).append(',')
                    .append(r.maxSize()).append(',')
                    .append(number(r.score())).append(',')
                    .append(field(r.unit())).append('\n');
        }
        return csv.toString();
    }

    /** Writes {@link #format(List)} to {@code file}, creating its directory. */
    public static void write(Path file, List<Row> rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, format(rows), StandardCharsets.UTF_8);
    }

    /** A number in plain notation, at most 3 decimals, no trailing zeros: 6101234.333, 95.1, 0.002, 12. */
    public static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("not a finite score: " + value);
        }
        BigDecimal d = new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (d.signum() == 0) {
            return "0";
        }
        return d.toPlainString();
    }

    /** A text field, quoted when it must be. */
    public static String field(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}

package dev.talc.bench.report;

import java.util.Locale;

/**
 * One result: a score of one allocator on one benchmark configuration, or the reason it has none.
 *
 * <p>Design note: the CSV columns are exactly {@code benchmark,allocator,threads,max_size,score,unit}
 * ({@link ResultsCsv}); {@code note} travels only in the internal rows file between a forked JVM and the
 * harness, and into the printed tables ("not run: reason", "n/a: ...", trial spreads).
 *
 * @param benchmark e.g. {@code random_actions}, {@code heap_efficiency}, {@code microbench_allocate_p99}
 * @param allocator display name of the allocator
 * @param threads   threads sharing the allocator
 * @param maxSize   the size parameter M (or the block size where the benchmark has no M)
 * @param score     the figure, or NaN when not measured (see {@code note})
 * @param unit      e.g. {@code ops/200ms}, {@code %}, {@code ns}, {@code ms}, {@code x}
 * @param note      free text: why there is no score, or details of the measurement; never null
 */
public record Row(String benchmark, String allocator, int threads, long maxSize, double score, String unit, String note) {

    /** Compact form: every field non-null, note without tabs or newlines. */
    public Row {
        note = note == null ? "" : note.replaceAll("[\\t\\r\\n]+", " ");
    }

    /** A measured row. */
    public static Row of(String benchmark, String allocator, int threads, long maxSize, double score, String unit,
                         String note) {
        return new Row(benchmark, allocator, threads, maxSize, score, unit, note);
    }

    /** A row without a score: {@code reason} is printed instead (e.g. "not run: ...", "n/a: ..."). */
    public static Row missing(String benchmark, String allocator, int threads, long maxSize, String unit, String reason) {
        return new Row(benchmark, allocator, threads, maxSize, Double.NaN, unit, reason);
    }

    /** Whether there is a score. */
    public boolean measured() {
        return !Double.isNaN(score);
    }

    /** One tab-separated line (the rows file a forked JVM hands back). */
    public String toTsv() {
        return String.join("\t", benchmark, allocator, Integer.toString(threads), Long.toString(maxSize),
                measured() ? Double.toString(score) : "NaN", unit, note);
    }

    /** Parses {@link #toTsv()}. */
    public static Row fromTsv(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("not a rows line: " + line);
        }
        return new Row(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]), f[5], f[6]);
    }

    /** Short human form of a number: 7.52M, 913k, 95.1, 0.0123. */
    public static String human(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double abs = Math.abs(value);
        if (abs >= 1e9) {
            return String.format(Locale.ROOT, "%.2fG", value / 1e9);
        }
        if (abs >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (abs >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", value / 1e3);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}

package dev.talc.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the rows of several forks (fresh JVMs) of the same contender into one row per configuration: the
 * median of the forks' scores.
 *
 * <p>Design note: on the shared development VM a whole JVM can run 25-30% slower than the next one, for
 * seconds at a time (the host's load moves; trials inside one JVM then agree with each other and mislead).
 * Averaging trials within a JVM cannot see that; the median over JVMs started at different moments, taken
 * round-robin with the other contenders, can. A configuration some fork did not measure keeps the median
 * of the forks that did, and says how many were missing; one that no fork measured keeps the first fork's
 * reason.
 */
public final class ForkMedian {

    private ForkMedian() {
    }

    /**
     * One row per configuration (benchmark, allocator, threads, max size), in the order first seen.
     *
     * @param forks the rows of each fork; a single fork is returned as it is
     * @return the folded rows
     */
    public static List<Row> fold(List<List<Row>> forks) {
        if (forks.size() == 1) {
            return forks.getFirst();
        }
        Map<List<Object>, List<Row>> byKey = new LinkedHashMap<>();
        for (List<Row> fork : forks) {
            for (Row row : fork) {
                byKey.computeIfAbsent(List.of(row.benchmark(), row.allocator(), row.threads(), row.maxSize()),
                        k -> new ArrayList<>()).add(row);
            }
        }
        List<Row> folded = new ArrayList<>();
        for (List<Row> rows : byKey.values()) {
            folded.add(fold(rows, forks.size()));
        }
        return folded;
    }

    private static Row fold(List<Row> rows, int forkCount) {
        Row first = rows.getFirst();
        double[] scores = rows.stream().filter(Row::measured).mapToDouble(Row::score).toArray();
        if (scores.length == 0) {
            return first;
        }
        int n = scores.length;
        StringBuilder note = new StringBuilder("median of ").append(n).append(" forks:");
        for (double score : scores) {
            note.append(' ').append(Row.human(score));
        }
        if (n < forkCount) {
            note.append("; ").append(forkCount - n).append(" forks without a score");
        }
        return Row.of(first.benchmark(), first.allocator(), first.threads(), first.maxSize(), median(scores),
                first.unit(), note.toString());
    }

    /** The median of some scores: the middle one, or the mean of the middle two; NaN if there are none. */
    public static double median(double... scores) {
        double[] sorted = Arrays.stream(scores).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

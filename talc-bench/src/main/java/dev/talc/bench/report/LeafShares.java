package dev.talc.bench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The frames a profile's samples ended in, with their shares: what a JMH profile of one operation
 * ({@code -prof async:...;output=collapsed}) says about where the time went, where {@link ProfileBreakdown}'s
 * workload loops do not apply (JMH's stub is the loop).
 *
 * <p>Design note: the leaf frame alone, as async-profiler's flat view ({@code --flat}) would show it, so that an
 * inlined call counts where its sample landed; a frame's own suffix ({@code _[j]}, {@code _[i]}, the JIT tier)
 * is dropped so one method's compiled and inlined samples add up. Samples of every thread count: a JMH fork
 * runs one measured thread, and what the JIT or GC take shows up as its own frames.
 *
 * @param frame   the leaf frame
 * @param samples the samples that ended in it
 * @param share   {@code samples} over all samples of the profile
 */
public record LeafShares(String frame, long samples, double share) {

    /** The leaf frames of collapsed stacks ({@code frame;frame;...;leaf count} per line), most samples first. */
    public static List<LeafShares> of(List<String> collapsed) {
        Map<String, Long> byLeaf = new HashMap<>();
        long total = 0;
        for (String line : collapsed) {
            int space = line.lastIndexOf(' ');
            String number = space < 0 ? "" : line.substring(space + 1).strip();
            if (number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
                continue;   // not a stack line
            }
            long count = Long.parseLong(number);
            String stack = line.substring(0, space);
            String leaf = stack.substring(stack.lastIndexOf(';') + 1).replaceFirst("_\\[.\\]$", "");
            byLeaf.merge(leaf, count, Long::sum);
            total += count;
        }
        List<LeafShares> rows = new ArrayList<>();
        double n = Math.max(1, total);
        byLeaf.forEach((leaf, count) -> rows.add(new LeafShares(leaf, count, count / n)));
        rows.sort((a, b) -> a.samples != b.samples ? Long.compare(b.samples, a.samples) : a.frame.compareTo(b.frame));
        return rows;
    }

    /** The first {@code top} rows, shares in percent, one line each. */
    public static String table(List<LeafShares> rows, int top) {
        StringBuilder out = new StringBuilder();
        for (LeafShares row : rows.subList(0, Math.min(top, rows.size()))) {
            out.append(String.format(Locale.ROOT, "%6.1f%% %8d  %s%n", 100 * row.share, row.samples, row.frame));
        }
        return out.toString();
    }
}

package dev.talc.bench.trace;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statistics of a trace that MANIFEST.md lists, computed from the decoded trace so the manifest can be made
 * again ({@code java -jar talc-bench.jar trace-stats}): events by op, threads, peak live bytes and blocks, what is
 * still live at the end, the realloc share and chain lengths, the size distribution and the alignments asked for.
 *
 * <p>Design note: a pure function of the {@link Trace} (no timing, no allocator), printed as a Markdown list so
 * it pastes into the manifest as it is.
 */
public final class TraceStats {

    private TraceStats() {
    }

    /** The statistics of {@code t} as Markdown lines (a bullet list, no heading). */
    public static String markdown(Trace t) {
        int n = t.events();
        long[] byOp = new long[TraceFormat.PVALLOC + 1];
        for (byte op : t.ops()) {
            byOp[op]++;
        }
        StringBuilder s = new StringBuilder();
        StringBuilder ops = new StringBuilder();
        for (int op = 0; op < byOp.length; op++) {
            if (byOp[op] > 0) {
                ops.append(ops.isEmpty() ? "" : ", ").append(TraceFormat.OP_NAMES.get(op)).append(' ')
                        .append(byOp[op]).append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * byOp[op] / n));
            }
        }
        line(s, "events", n + ": " + ops);
        line(s, "threads", Integer.toString(t.threadCount()));
        line(s, "peak live bytes", bytes(t.peakLiveBytes()) + " (after event " + t.peakLiveEvent() + ")");
        line(s, "peak live blocks (the block ids used)", Integer.toString(t.slots()));
        long liveEndBytes = liveBytesAtEnd(t);
        line(s, "live at the end", t.liveAtEnd().length + " blocks, " + bytes(liveEndBytes)
                + " (not freed by the program; the replayer frees them after each pass, untimed)");
        line(s, "realloc share", String.format(Locale.ROOT, "%.1f%% of events", 100.0 * byOp[TraceFormat.REALLOC] / n));
        line(s, "realloc chains", chains(t));
        line(s, "request sizes", sizes(t));
        line(s, "alignments (memalign family)", alignments(t));
        return s.toString();
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append("- ").append(key).append(": ").append(value).append('\n');
    }

    private static long liveBytesAtEnd(Trace t) {
        long[] size = new long[t.slots()];
        for (int i = 0; i < t.events(); i++) {
            size[t.ids()[i]] = t.ops()[i] == TraceFormat.FREE ? 0 : t.sizes()[i];
        }
        long sum = 0;
        for (int id : t.liveAtEnd()) {
            sum += size[id];
        }
        return sum;
    }

    /** Reallocs per block lifetime: how many lifetimes had any, the longest, and how many had 10 or more. */
    private static String chains(Trace t) {
        int[] current = new int[t.slots()];
        int withAny = 0;
        int tenOrMore = 0;
        int longest = 0;
        long inChainsOfTen = 0;
        for (int i = 0; i <= t.events(); i++) {
            boolean end = i == t.events();
            int op = end ? -1 : t.ops()[i];
            if (op == TraceFormat.REALLOC) {
                current[t.ids()[i]]++;
                continue;
            }
            if (op == TraceFormat.FREE || end) {
                int[] which = end ? t.liveAtEnd() : new int[] {t.ids()[i]};
                for (int id : which) {
                    int c = current[id];
                    if (c > 0) {
                        withAny++;
                        longest = Math.max(longest, c);
                        if (c >= 10) {
                            tenOrMore++;
                            inChainsOfTen += c;
                        }
                    }
                    current[id] = 0;
                }
            }
        }
        return withAny + " block lifetimes reallocated, the longest " + longest + " times; " + tenOrMore
                + " reallocated 10+ times (" + inChainsOfTen + " reallocs in those)";
    }

    /** Percentiles and size classes of every requested size (allocations and realloc targets). */
    private static String sizes(Trace t) {
        long[] all = new long[t.events()];
        int k = 0;
        long total = 0;
        for (int i = 0; i < t.events(); i++) {
            if (t.ops()[i] != TraceFormat.FREE) {
                all[k++] = t.sizes()[i];
                total += t.sizes()[i];
            }
        }
        long[] sorted = Arrays.copyOf(all, k);
        Arrays.sort(sorted);
        if (k == 0) {
            return "none";
        }
        long le64 = 0;
        long le512 = 0;
        long le4k = 0;
        long over64k = 0;
        for (long v : sorted) {
            le64 += v <= 64 ? 1 : 0;
            le512 += v <= 512 ? 1 : 0;
            le4k += v <= 4096 ? 1 : 0;
            over64k += v > 65536 ? 1 : 0;
        }
        return String.format(Locale.ROOT, "p50 %d B, p90 %d B, p99 %d B, max %s; <= 64 B %.1f%%, <= 512 B %.1f%%,"
                        + " <= 4 KiB %.1f%%, > 64 KiB %.2f%%; %s requested in all", sorted[k / 2],
                sorted[(int) (k * 0.9)], sorted[(int) (k * 0.99)], bytes(sorted[k - 1]), 100.0 * le64 / k,
                100.0 * le512 / k, 100.0 * le4k / k, 100.0 * over64k / k, bytes(total));
    }

    private static String alignments(Trace t) {
        Map<Long, Integer> counts = new TreeMap<>();
        for (int i = 0; i < t.events(); i++) {
            if (TraceFormat.isAligned(t.ops()[i])) {
                counts.merge(1L << t.alignLogs()[i], 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((align, count) -> s.append(s.isEmpty() ? "" : ", ").append(count).append(" x ").append(align));
        return s + " (as replayed: at least 16)";
    }

    /** 1234567 → "1,234,567 B (1.18 MiB)". */
    static String bytes(long b) {
        return String.format(Locale.ROOT, "%,d B (%.2f MiB)", b, b / 1048576.0);
    }
}

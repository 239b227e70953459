package dev.talc;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what happened to misuse calls, per mode (default, checked) and {@link MisuseClass}: tried,
 * rejected cleanly, rejected but with a side effect ("dirty": counters, heap, blocks or guards changed,
 * or no key=value detail), accepted (no exception), accepted with a heap that then fails
 * {@code verify()}, another exception type, and live blocks whose contents changed.
 *
 * <p>Run {@link #main} for the table over a seeded campaign (see {@code talc/MISUSE.md} for the
 * command); the fuzz targets and {@link NothingLostTest} print theirs at the end of a run.
 */
public final class MisuseCensus {
    private static final int CLASSES = MisuseClass.values().length;

    private final long[][] tried = new long[2][CLASSES];
    private final long[][] rejected = new long[2][CLASSES];
    private final long[][] dirty = new long[2][CLASSES];
    private final long[][] accepted = new long[2][CLASSES];
    private final long[][] corruptHeap = new long[2][CLASSES];
    private final long[][] otherException = new long[2][CLASSES];
    private final long[][] blocksChanged = new long[2][CLASSES];
    /** "mode class: exception type" → count, for the exceptions other than the documented ones. */
    private final Map<String, Long> otherKinds = new TreeMap<>();

    private static int mode(boolean checked) {
        return checked ? 1 : 0;
    }

    synchronized void rejected(MisuseClass cls, boolean checked, boolean clean, int changedBlocks) {
        tried[mode(checked)][cls.ordinal()]++;
        (clean ? rejected : dirty)[mode(checked)][cls.ordinal()]++;
        blocksChanged[mode(checked)][cls.ordinal()] += changedBlocks;
    }

    synchronized void accepted(MisuseClass cls, boolean checked, boolean heapVerifies, int changedBlocks) {
        tried[mode(checked)][cls.ordinal()]++;
        accepted[mode(checked)][cls.ordinal()]++;
        if (!heapVerifies) {
            corruptHeap[mode(checked)][cls.ordinal()]++;
        }
        blocksChanged[mode(checked)][cls.ordinal()] += changedBlocks;
    }

    synchronized void otherException(MisuseClass cls, boolean checked, Throwable thrown, int changedBlocks) {
        tried[mode(checked)][cls.ordinal()]++;
        otherKinds.merge((checked ? "checked " : "default ") + cls + ": " + thrown.getClass().getName(), 1L, Long::sum);
        otherException[mode(checked)][cls.ordinal()]++;
        blocksChanged[mode(checked)][cls.ordinal()] += changedBlocks;
    }

    synchronized long tried(boolean checked, MisuseClass cls) {
        return tried[mode(checked)][cls.ordinal()];
    }

    synchronized long rejected(boolean checked, MisuseClass cls) {
        return rejected[mode(checked)][cls.ordinal()];
    }

    synchronized long accepted(boolean checked, MisuseClass cls) {
        return accepted[mode(checked)][cls.ordinal()];
    }

    /** Calls that broke a promise: dirty rejections anywhere; acceptance or another exception where rejection is promised. */
    synchronized long violations() {
        long violations = 0;
        for (int m = 0; m < 2; m++) {
            for (MisuseClass cls : MisuseClass.values()) {
                int c = cls.ordinal();
                violations += dirty[m][c];
                if (cls.mustBeRejected(m == 1)) {
                    violations += accepted[m][c] + otherException[m][c];
                }
            }
        }
        return violations;
    }

    /** Blocks whose contents changed after a rejected call, or after any call in checked mode. */
    synchronized long blocksLost() {
        long lost = 0;
        for (int m = 0; m < 2; m++) {
            for (MisuseClass cls : MisuseClass.values()) {
                if (cls.mustBeRejected(m == 1)) {
                    lost += blocksChanged[m][cls.ordinal()];
                }
            }
        }
        return lost;
    }

    synchronized long total() {
        long total = 0;
        for (long[] row : tried) {
            for (long n : row) {
                total += n;
            }
        }
        return total;
    }

    /** The census as a Markdown table. */
    synchronized String table() {
        StringBuilder out = new StringBuilder();
        out.append("| mode | misuse class | must reject | tried | rejected | rejected dirty | accepted | accepted, heap corrupt"
                + " | other exception | blocks changed |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int m = 0; m < 2; m++) {
            for (MisuseClass cls : MisuseClass.values()) {
                int c = cls.ordinal();
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d |%n",
                        m == 1 ? "checked" : "default", cls.name(), cls.mustBeRejected(m == 1) ? "yes" : "no",
                        tried[m][c], rejected[m][c], dirty[m][c], accepted[m][c], corruptHeap[m][c], otherException[m][c],
                        blocksChanged[m][c]));
            }
        }
        otherKinds.forEach((kind, n) -> out.append("other exception: ").append(kind).append(" x").append(n).append('\n'));
        out.append(String.format(Locale.ROOT, "total tried=%d violations=%d blocksLost=%d%n", total(), violations(), blocksLost()));
        return out.toString();
    }

    /**
     * Runs a seeded misuse campaign and prints the table: {@code [runs] [steps per run] [seed]}
     * (defaults 2000, 400, 1).
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        long start = System.nanoTime();
        MisuseCensus census = MisuseWorkload.campaign(seed, runs, steps, false);
        System.out.print(census.table());
        System.out.printf(Locale.ROOT, "runs=%d stepsPerRun=%d seed=%d time=%.1fs%n", runs, steps, seed,
                (System.nanoTime() - start) / 1e9);
    }
}

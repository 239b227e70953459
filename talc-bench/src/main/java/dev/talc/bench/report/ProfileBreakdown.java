package dev.talc.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a profiled workload's time went, from async-profiler's collapsed stacks: the shares of the workload
 * thread's samples spent in the harness, in the allocator's own logic, in segment access (the FFM API's checks
 * and the memory accesses behind them), and in copies (realloc's moves, zeroing).
 *
 * <p>Design note: a sample belongs to the workload when its stack passes through a measured loop (random actions'
 * {@code runActions}, the heap-efficiency rounds, the latency loops, the high-alignment runs, the trace
 * {@code Replayer}); other samples (setup, trace decoding, the JIT compiler, GC, other threads) are counted apart.
 * Its leaf frame decides the rest. A copy routine (arraycopy stubs, {@code copyMemory},
 * {@code SegmentBulkOperations}, memcpy/memset) is a copy wherever it sits: the profiler often cannot walk from a
 * copy stub back to its Java caller, and the workloads copy nothing themselves. Otherwise every frame above the
 * adapter's {@code allocate}, {@code free}, {@code reallocate} or {@code calloc} is the allocator's: a frame of
 * {@code jdk.internal.foreign}, {@code ScopedMemoryAccess}, {@code Unsafe} or a {@code VarHandle} is segment
 * access, anything else (Java code, a native allocator, a downcall stub) allocator logic; what the workload does
 * outside those calls (its loop, random numbers, touching the blocks) is the harness. Leaf frames decide, so an
 * inlined access counts where its sample landed.
 *
 * @param allocator      the allocator's display name
 * @param workload       the workload's name
 * @param samples        samples in the workload thread
 * @param outsideSamples samples elsewhere (JIT, GC, other threads)
 * @param harness        share of {@code samples} in the harness
 * @param logic          share in the allocator's own logic
 * @param segmentAccess  share in segment access on the allocator's side
 * @param copies         share in copies on the allocator's side
 */
public record ProfileBreakdown(String allocator, String workload, long samples, long outsideSamples, double harness,
                               double logic, double segmentAccess, double copies) {

    /** Header of {@code breakdown.tsv}. */
    public static final String TSV_HEADER = "allocator\tworkload\tsamples\toutside_samples\tharness\tlogic\tsegment_access\tcopies";

    /** The measured loops: what each workload times (setup, trace decoding and reporting are outside). */
    private static final Pattern WORKLOAD = Pattern.compile("^dev/talc/bench/(workload/RandomActions\\.runActions"
            + "|workload/HeapEfficiency\\.round|workload/Microbench\\.(mixed|pressure)|workload/HighAlignment\\.timedRun"
            + "|trace/Replayer\\.replay)");
    private static final Pattern ALLOCATOR_ENTRY =
            Pattern.compile("^dev/talc/bench/alloc/\\w+\\.(allocate|free|reallocate|calloc)(_\\[.\\])?$");
    private static final Pattern COPY = Pattern.compile(
            "arraycopy|copyMemory|SegmentBulkOperations|memcpy|memmove|memset|setMemory|Copy::|_fill|clear_page");
    private static final Pattern SEGMENT_ACCESS = Pattern.compile(
            "^(jdk/internal/foreign/|jdk/internal/misc/ScopedMemoryAccess|jdk/internal/misc/Unsafe|java/lang/invoke/VarHandle"
                    + "|java/lang/foreign/)");

    /** The breakdown of collapsed stacks ({@code frame;frame;...;leaf count} per line). */
    public static ProfileBreakdown of(String allocator, String workload, List<String> collapsed) {
        long inside = 0;
        long outside = 0;
        long harness = 0;
        long logic = 0;
        long access = 0;
        long copies = 0;
        for (String line : collapsed) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1).strip());
            String[] frames = line.substring(0, space).split(";");
            int entry = -1;
            boolean inWorkload = false;
            for (int i = 0; i < frames.length; i++) {
                inWorkload |= WORKLOAD.matcher(frames[i]).find();
                if (inWorkload && entry < 0 && ALLOCATOR_ENTRY.matcher(frames[i]).find()) {
                    entry = i;
                }
            }
            if (!inWorkload) {
                outside += count;
                continue;
            }
            inside += count;
            String leaf = frames[frames.length - 1];
            if (COPY.matcher(leaf).find()) {
                copies += count; // wherever it sits: the profiler often cannot walk from a copy stub to its caller
            } else if (entry < 0 || entry == frames.length - 1) {
                harness += entry < 0 ? count : 0;
                logic += entry < 0 ? 0 : count;
            } else if (SEGMENT_ACCESS.matcher(leaf).find()) {
                access += count;
            } else {
                logic += count;
            }
        }
        double n = Math.max(1, inside);
        return new ProfileBreakdown(allocator, workload, inside, outside, harness / n, logic / n, access / n, copies / n);
    }

    /** One line of {@code breakdown.tsv}. */
    public String toTsv() {
        return String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f", allocator, workload, samples,
                outsideSamples, harness, logic, segmentAccess, copies);
    }

    /** Reads a line of {@code breakdown.tsv}. */
    public static ProfileBreakdown fromTsv(String line) {
        String[] f = line.split("\t");
        return new ProfileBreakdown(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]));
    }

    /** A table of breakdowns, one line each, shares in percent. */
    public static String table(List<ProfileBreakdown> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-30s %-26s %8s %8s %8s %8s %8s%n",
                "allocator", "workload", "samples", "harness", "logic", "segment", "copies"));
        for (ProfileBreakdown r : rows) {
            out.append(String.format(Locale.ROOT, "%-30s %-26s %8d %7.1f%% %7.1f%% %7.1f%% %7.1f%%%n", r.allocator,
                    r.workload, r.samples, 100 * r.harness, 100 * r.logic, 100 * r.segmentAccess, 100 * r.copies));
        }
        return out.toString();
    }
}

package dev.talc.bench.workload;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.report.Row;
import dev.talc.bench.trace.Replayer;
import dev.talc.bench.trace.Trace;
import dev.talc.bench.trace.Traces;

/**
 * Real programs' traces (DESIGN.md section 6): the malloc-family calls of real programs, recorded with the
 * LD_PRELOAD recorder and replayed in order on one thread ({@link Replayer}); time per event and peak footprint.
 *
 * <p>Design note. Per trace and allocator: one untimed footprint pass, then {@code warmups} unscored passes (more
 * for a short trace: together at least {@link Params#TRACE_MIN_WARMUP_EVENTS} events), then {@code passes} timed
 * passes,
 * each on a fresh allocator instance (for Talc a fresh heap over a re-zeroed arena of at least 128 MiB; the native
 * allocators are process-wide, so for them "fresh" means only that every block of the pass before was freed).
 * The score is the median of the timed passes, in nanoseconds per event (the canary writes and checks and the
 * loop's own bookkeeping included: the same for every allocator). Footprint: the allocator's own statistic where
 * it has one ({@link BenchAllocator#footprintBytes()}), else, for an arena-based allocator, the span of the arena
 * its blocks occupied; reported as a ratio to the trace's peak live bytes (the sum of requested sizes of live
 * blocks at its highest), and in bytes. A process-wide allocator (glibc, mimalloc) keeps what earlier traces
 * left in the process's heap and serves the next trace from it, which hides the growth its statistics should
 * show (measured: glibc's footprint of rg read 0.01x peak live after three other traces); so, in a forked
 * allocator JVM, its footprint pass runs in a fresh JVM per trace ({@code Main trace-footprint}, about 0.5-1 s)
 * and an unscored pass takes its place here. Only the allocators a C program could use as its malloc are replayed
 * (Talc's two forms, glibc through FFM both ways, one-nio Malloc, the LWJGL natives); the others get "n/a" with
 * the reason. Alternatives: one pass of many more events (one slow moment of the shared VM would decide it);
 * the mean of passes (the same).
 */
public final class TraceReplay implements Workload {

    /**
     * The warm-up passes of a trace of {@code events} events: {@code asked}, or more if that many passes replay
     * fewer than {@link Params#TRACE_MIN_WARMUP_EVENTS} events; none if none are asked for.
     */
    static int warmupPasses(int asked, int events) {
        if (asked <= 0) {
            return 0;
        }
        long needed = (Params.TRACE_MIN_WARMUP_EVENTS + events - 1) / Math.max(1, events);
        return (int) Math.max(asked, Math.min(needed, 1000));
    }

    /** The workload's name. */
    public static final String NAME = "trace_replay";
    /** Unit of the time rows. */
    public static final String UNIT = "ns/event";
    /** Unit of the footprint ratio rows. */
    public static final String FOOTPRINT_UNIT = "x peak live";
    /** Unit of the footprint byte rows. */
    public static final String BYTES_UNIT = "B";
    /** The prefix of every row of this workload, and the benchmark of its wildcard row. */
    public static final String PREFIX = "trace_";

    /** The allocators replayed, by display name. */
    public static final List<String> REPLAYED = List.of(Contenders.TALC, Contenders.CONCURRENT_TALC,
            "JDK malloc (FFM)", "glibc malloc (FFM critical)", "one-nio Malloc", "rpmalloc (LWJGL)", "jemalloc (LWJGL)",
            "mimalloc (LWJGL)");

    private static final Map<String, String> WHY_NOT = Map.ofEntries(
            Map.entry(Contenders.TALC_GLOBAL_LOCK, "n/a: Talc behind one lock; the replay is single-threaded, and Talc"
                    + " and ConcurrentTalc cover it"),
            Map.entry("one-nio MallocMT", "n/a: its arena is split in 8 (a block is at most 1/8 of it); one-nio Malloc"
                    + " stands for one-nio"),
            Map.entry("Terracotta", "n/a: a storage area for a cache, not a malloc (its caller must hold the owner's"
                    + " lock; no calloc)"),
            Map.entry("Terracotta (locked)", "n/a: a storage area for a cache, not a malloc"),
            Map.entry("Netty pooled", "n/a: ByteBuf pools, not a malloc (no realloc of its own, blocks are objects)"),
            Map.entry("Netty adaptive", "n/a: ByteBuf pools, not a malloc (no realloc of its own, blocks are objects)"),
            Map.entry("JDK Arena per block", "n/a: an Arena per block is not a malloc"),
            Map.entry("JDK slicingAllocator", "n/a: never frees, so a trace's total allocation overflows any arena"),
            Map.entry("Harness floor", "n/a: it reuses slots by overwriting live blocks, which the canaries catch"));

    /** The benchmark name of a trace's time rows: {@code trace_<name>}. */
    public static String benchmark(String trace) {
        return PREFIX + trace;
    }

    /** The benchmark name of a trace's footprint ratio rows: {@code trace_<name>_footprint}. */
    public static String footprintBenchmark(String trace) {
        return PREFIX + trace + "_footprint";
    }

    /** The benchmark name of a trace's footprint byte rows: {@code trace_<name>_footprint_bytes}. */
    public static String footprintBytesBenchmark(String trace) {
        return PREFIX + trace + "_footprint_bytes";
    }

    /** Why an allocator is not replayed, or empty when it is. */
    public static Optional<String> whyNot(String allocator) {
        if (REPLAYED.contains(allocator)) {
            return Optional.empty();
        }
        return Optional.of(WHY_NOT.getOrDefault(allocator, "n/a: a measuring probe, not an allocator"));
    }

    /**
     * Whether the footprint pass of a process-wide allocator (no arena of its own: glibc, the LWJGL natives) runs in
     * a fresh JVM of its own, one per trace. Set by a forked allocator JVM; in-process runs (tests, {@code --no-fork})
     * measure it in place, where what earlier traces left in the process's heap is reused and hides growth.
     */
    public static volatile boolean forkFootprints;

    /** The arena for a trace: 128 MiB, or more for a trace whose live bytes peak above a third of that. */
    static long arenaBytes(Trace t) {
        long want = 3 * t.peakLiveBytes();
        return Math.max(Params.ARENA_BYTES, want <= 1 ? 1 : Long.highestOneBit(want - 1) << 1);
    }

    /** The line a footprint JVM prints: {@code trace-footprint extent=E sampled=S samples=N}. */
    private static final String FOOTPRINT_LINE = "trace-footprint ";

    /**
     * The footprint pass of {@code allocator} on {@code trace}, in a fresh JVM with this JVM's flags
     * ({@link #printFootprint} is its entry, through {@code Main trace-footprint}).
     */
    static Replayer.Footprint footprintInFreshJvm(String allocator, String trace) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.talc.bench.Main", "trace-footprint",
                allocator, trace));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("footprint JVM failed: trace=" + trace + " allocator=" + allocator
                        + " output=" + output.strip());
            }
            String line = output.lines().filter(l -> l.startsWith(FOOTPRINT_LINE)).findFirst().orElseThrow(() ->
                    new IllegalStateException("footprint JVM printed no result: trace=" + trace + " output=" + output));
            java.util.Map<String, Long> values = new java.util.HashMap<>();
            for (String kv : line.substring(FOOTPRINT_LINE.length()).split(" ")) {
                values.put(kv.substring(0, kv.indexOf('=')), Long.parseLong(kv.substring(kv.indexOf('=') + 1)));
            }
            return new Replayer.Footprint(values.get("extent"), values.get("sampled"), values.get("samples").intValue());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Entry of a footprint JVM: one footprint pass of {@code allocator} (id or name) on {@code trace}, printed. */
    public static void printFootprint(String allocator, String trace) throws Exception {
        Trace t = Traces.load(trace);
        try (BenchAllocator a = Contenders.byId(allocator).factory().create().create(arenaBytes(t))) {
            Replayer.Footprint f = Replayer.footprintPass(a, t, new Replayer.Blocks(t.slots()),
                    Params.TRACE_FOOTPRINT_SAMPLE_EVERY);
            System.out.println(FOOTPRINT_LINE + "extent=" + f.extentBytes() + " sampled=" + f.sampledPeakBytes()
                    + " samples=" + f.samples());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out)
            throws Exception {
        Params.TraceRuns runs = budget.traces();
        if (runs.names().isEmpty()) {
            return;
        }
        Optional<String> why = whyNot(factory.name());
        if (why.isPresent()) {
            out.accept(Row.missing(PREFIX + "*", factory.name(), 1, 0, "", why.get()));
            return;
        }
        for (String name : runs.names()) {
            try {
                long start = System.nanoTime();
                Trace t = Traces.load(name);
                progress.line(String.format(Locale.ROOT, "%-26s %,d events decoded in %.1f s", benchmark(name),
                        t.events(), (System.nanoTime() - start) / 1e9));
                measure(factory, t, runs, progress, out);
            } catch (RuntimeException e) {
                progress.line(benchmark(name) + " failed: " + e.getMessage());
                String reason = "failed: " + e.getMessage();
                out.accept(Row.missing(benchmark(name), factory.name(), 1, 0, UNIT, reason));
                out.accept(Row.missing(footprintBenchmark(name), factory.name(), 1, 0, FOOTPRINT_UNIT, reason));
            }
        }
    }

    /** Replays one trace: footprint pass, warm-up passes, timed passes; reports its rows. */
    static void measure(AllocatorFactory factory, Trace t, Params.TraceRuns runs, Progress progress,
                        Consumer<Row> out) throws Exception {
        long arena = arenaBytes(t);
        Replayer.Blocks blocks = new Replayer.Blocks(t.slots());
        Replayer.Footprint footprint;
        String footprintNotes;
        boolean arenaBased;
        boolean fresh;
        try (BenchAllocator a = factory.create().create(arena)) {
            // a process-wide allocator with statistics: its footprint in a JVM of its own (and here, in place of the
            // footprint pass, one more unscored pass, so every allocator has as many passes before the timed ones)
            fresh = forkFootprints && !factory.arenaBased() && a.footprintBytes() >= 0;
            if (fresh) {
                footprint = footprintInFreshJvm(factory.name(), t.name());
                Replayer.timedPass(a, t, blocks);
            } else {
                footprint = Replayer.footprintPass(a, t, blocks, Params.TRACE_FOOTPRINT_SAMPLE_EVERY);
            }
            footprintNotes = a.footprintNotes();
            arenaBased = a.arenaBytes() > 0;
        }
        int warmups = warmupPasses(runs.warmups(), t.events());
        for (int w = 0; w < warmups; w++) {
            try (BenchAllocator a = factory.create().create(arena)) {
                Replayer.timedPass(a, t, blocks);
            }
        }
        double[] nsPerEvent = new double[runs.passes()];
        for (int p = 0; p < runs.passes(); p++) {
            try (BenchAllocator a = factory.create().create(arena)) {
                nsPerEvent[p] = (double) Replayer.timedPass(a, t, blocks) / t.events();
            }
        }
        double[] sorted = nsPerEvent.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        String name = t.name();
        String timeNote = String.format(Locale.ROOT, "median of %d passes (%.1f-%.1f ns/event) after %s and %d warm-up"
                + " pass%s; %,d events", runs.passes(), sorted[0], sorted[sorted.length - 1],
                fresh ? "an unscored pass (footprint in another JVM)" : "a footprint pass", warmups,
                warmups == 1 ? "" : "es", t.events());
        out.accept(Row.of(benchmark(name), factory.name(), 1, 0, median, UNIT, timeNote));

        long bytes = footprint.sampledPeakBytes() >= 0 ? footprint.sampledPeakBytes()
                : arenaBased ? footprint.extentBytes() : -1;
        String footprintText;
        if (bytes < 0) {
            String reason = footprintNotes.startsWith("n/a") ? footprintNotes : "n/a: " + footprintNotes;
            out.accept(Row.missing(footprintBenchmark(name), factory.name(), 1, 0, FOOTPRINT_UNIT, reason));
            out.accept(Row.missing(footprintBytesBenchmark(name), factory.name(), 1, 0, BYTES_UNIT, reason));
            footprintText = "footprint n/a";
        } else {
            double ratio = (double) bytes / t.peakLiveBytes();
            String note = String.format(Locale.ROOT, "%,d B at peak live %,d B%s%s", bytes, t.peakLiveBytes(),
                    footprint.sampledPeakBytes() >= 0 ? " (" + footprint.samples() + " readings)" : " (block span)",
                    fresh ? ", footprint pass in a fresh JVM" : "");
            out.accept(Row.of(footprintBenchmark(name), factory.name(), 1, 0, ratio, FOOTPRINT_UNIT, note));
            out.accept(Row.of(footprintBytesBenchmark(name), factory.name(), 1, 0, bytes, BYTES_UNIT, note));
            footprintText = String.format(Locale.ROOT, "footprint %.2fx peak live (%.1f MiB)", ratio, bytes / 1048576.0);
        }
        progress.line(String.format(Locale.ROOT, "%-26s %.1f ns/event (%s), %s", benchmark(name), median, timeNote,
                footprintText));
    }
}

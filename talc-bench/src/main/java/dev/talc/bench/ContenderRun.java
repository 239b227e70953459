package dev.talc.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Peers;
import dev.talc.bench.report.Row;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.Progress;
import dev.talc.bench.workload.TraceReplay;
import dev.talc.bench.workload.Workload;

/**
 * Runs every workload for one contender: in a forked JVM (the default; {@link #main} is its entry) or in the
 * harness's own JVM ({@code --no-fork}).
 *
 * <p>Design note: the first thing done is to create one instance, so a peer that cannot run here is
 * reported once as "not run: reason" (a row with benchmark {@code *}) instead of failing in every workload.
 * A workload that throws is reported as "failed: exception" and the next workload still runs. In a forked
 * JVM every row is appended to the rows file as soon as it exists, so a crash or timeout keeps what was
 * measured.
 */
final class ContenderRun {

    /** Benchmark name of a row that applies to every cell of its allocator without a row of its own. */
    static final String ALL = "*";
    /** Arena of the instance made only to see whether the allocator can run here. */
    static final long PROBE_ARENA_BYTES = 4L << 20;

    private ContenderRun() {
    }

    /**
     * Entry of a forked JVM: {@code <mode> <id> <rowsFile> <index> <total> <startMillis> [<traces> <warmups>
     * <passes>]} (the trace runs, when the harness's budget has other ones than its mode's default).
     */
    static void main(String[] args) throws IOException {
        Params.Budget budget = Params.budget(args[0]);
        TraceReplay.forkFootprints = true; // a fresh JVM per trace for process-wide allocators' footprints
        if (args.length >= 9) {
            List<String> traces = args[6].isEmpty() ? List.of() : List.of(args[6].split(","));
            budget = budget.withTraces(new Params.TraceRuns(traces, Integer.parseInt(args[7]), Integer.parseInt(args[8])));
        }
        Contenders.Contender contender = Contenders.byId(args[1]);
        Path rowsFile = Path.of(args[2]);
        int index = Integer.parseInt(args[3]);
        int total = Integer.parseInt(args[4]);
        long startMillis = Long.parseLong(args[5]);
        try (BufferedWriter rows = Files.newBufferedWriter(rowsFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            Progress progress = progress(contender, index, total, startMillis);
            run(contender, budget, progress, Profiling.fromSystemProperty(progress::line), row -> {
                try {
                    rows.write(row.toTsv());
                    rows.newLine();
                    rows.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** Progress lines prefixed with the harness's elapsed time, the contender's position and its name. */
    static Progress progress(Contenders.Contender contender, int index, int total, long startMillis) {
        String prefix = String.format(Locale.ROOT, "%2d/%d %s", index, total, contender.name());
        return text -> {
            double seconds = (System.currentTimeMillis() - startMillis) / 1000.0;
            System.out.printf(Locale.ROOT, "[%6.1fs %s] %s%n", seconds, prefix, text);
            System.out.flush();
        };
    }

    /**
     * Runs every workload for {@code contender}, reporting rows (and "not run"/"failed" rows) to {@code out}, each
     * workload profiled when {@code profiling} is not null.
     */
    static void run(Contenders.Contender contender, Params.Budget budget, Progress progress, Profiling profiling,
                    Consumer<Row> out) {
        String name = contender.name();
        try (BenchAllocator probe = contender.factory().create().create(PROBE_ARENA_BYTES)) {
            progress.line("notes: " + probe.notes());
        } catch (Peers.PeerUnavailableException e) {
            progress.line("not run: " + e.getMessage());
            out.accept(Row.missing(ALL, name, 0, 0, "", "not run: " + e.getMessage()));
            return;
        } catch (Exception | LinkageError e) {
            progress.line("not run: " + e);
            out.accept(Row.missing(ALL, name, 0, 0, "", "not run: " + e));
            return;
        }
        for (Workload w : Workload.all()) {
            if (!budget.runs(w)) {
                continue;
            }
            try {
                if (profiling != null) {
                    profiling.start();
                }
                try {
                    w.run(contender.factory(), budget, progress, out);
                } finally {
                    if (profiling != null) {
                        progress.line("profile: " + profiling.stop(contender.id(), name, w.name()).toTsv());
                    }
                }
            } catch (Exception | Error e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                progress.line(w.name() + " failed: " + trace);
                out.accept(Row.missing(w.name() + "*", name, 0, 0, "", "failed: " + e));
            }
        }
    }
}

package dev.talc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.report.Charts;
import dev.talc.bench.report.Environment;
import dev.talc.bench.report.ForkMedian;
import dev.talc.bench.report.Overview;
import dev.talc.bench.report.ProfileBreakdown;
import dev.talc.bench.report.ResultsCsv;
import dev.talc.bench.report.Row;
import dev.talc.bench.report.Tables;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.Progress;
import dev.talc.bench.workload.TraceReplay;
import dev.talc.bench.workload.Workload;

/**
 * The comparison run ({@code quick} or {@code full}): prints the environment, runs every workload for every
 * contender, each in a fresh JVM, then prints the tables and writes {@code results/<mode>/}: results.csv,
 * environment.txt, summary.txt (the tables and every adapter's notes) and the charts.
 *
 * <p>Design note: one JVM per allocator (as JMH forks) keeps the workloads' call sites monomorphic: in a
 * shared JVM the JIT sees up to 15 BenchAllocator classes at the same call sites, which makes the later
 * allocators pay for megamorphic dispatch (measured: see README-bench.md). A forked JVM hands its rows back
 * through a file and prints its own progress to the inherited console; one that runs over the budget's
 * timeout is stopped and its missing rows are reported as such.
 */
final class Harness {

    /** Flags of the forked JVMs: FFM downcalls and restricted methods without warnings, Unsafe for the peers that use it. */
    static final List<String> FORK_JVM_ARGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Xms512m", "-Xmx1g", "-XX:MaxDirectMemorySize=4g",
            "-Djava.awt.headless=true");

    private final Params.Budget budget;
    private final List<Contender> contenders;
    private final boolean fork;
    private final int forks;
    private final Path outDir;
    /** Where the profiles go ({@code --profile}), or null. */
    private final Path profileDir;

    /**
     * @param fork    each contender in fresh JVMs (else all in this one)
     * @param forks   fresh JVMs per contender, run round-robin over the contenders; each score is the median
     *                over them ({@link ForkMedian})
     * @param profile a flame graph per allocator and workload ({@link Profiling}), in {@code outDir/profiles}
     */
    Harness(Params.Budget budget, List<Contender> contenders, boolean fork, int forks, Path outDir, boolean profile) {
        if (forks < 1 || (!fork && forks > 1)) {
            throw new IllegalArgumentException("forks=" + forks + " fork=" + fork + " (forks >= 1, and 1 without forking)");
        }
        this.budget = budget;
        this.contenders = contenders;
        this.fork = fork;
        this.forks = forks;
        this.outDir = outDir;
        this.profileDir = profile ? outDir.resolve("profiles") : null;
    }

    /** Runs everything and writes the results; returns the rows. */
    List<Row> run() throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        Environment env = Environment.capture(budget.name(), budget.describe(), FORK_JVM_ARGS, fork ? forks : 0);
        System.out.println("Talc for Java: comparative benchmarks, " + budget.name() + " mode");
        System.out.print(env.text());
        System.out.println("allocators:            " + contenders.stream().map(Contender::id).toList());
        System.out.println();
        Files.createDirectories(outDir);
        env.write(outDir.resolve("environment.txt"));
        if (profileDir != null) {
            Files.deleteIfExists(profileDir.resolve("breakdown.tsv"));
        }

        List<List<List<Row>>> byContender = new ArrayList<>();
        contenders.forEach(c -> byContender.add(new ArrayList<>()));
        for (int round = 1; round <= forks; round++) {
            for (int i = 0; i < contenders.size(); i++) {
                Contender c = contenders.get(i);
                System.out.printf(Locale.ROOT, "=== [%d/%d] %s (%s, id %s)%s%n", i + 1, contenders.size(), c.name(),
                        c.kind().label(), c.id(), !fork ? "" : forks == 1 ? ", fresh JVM"
                                : ", fresh JVM " + round + " of " + forks);
                byContender.get(i).add(fork ? forked(c, i + 1, start) : inProcess(c, i + 1, start));
            }
        }
        List<Row> rows = new ArrayList<>();
        byContender.forEach(runs -> rows.addAll(ForkMedian.fold(runs)));
        List<String> notes = new ArrayList<>();
        boolean traces = Workload.all().stream().anyMatch(w -> w instanceof TraceReplay && budget.runs(w))
                && !budget.traces().names().isEmpty();
        for (Contender c : contenders) {
            try (var a = c.factory().create().create(ContenderRun.PROBE_ARENA_BYTES)) {
                boolean replayed = traces && TraceReplay.whyNot(c.name()).isEmpty();
                notes.add(c.name() + ": " + a.notes() + (replayed ? " Trace replay: " + a.footprintNotes() : ""));
            } catch (Exception | LinkageError e) {
                notes.add(c.name() + ": not run: " + e.getMessage());
            }
        }

        String tables = Tables.render(rows, contenders, budget);
        System.out.println();
        System.out.print(tables);
        Path csv = outDir.resolve("results.csv");
        ResultsCsv.write(csv, rows);
        List<Path> charts = new ArrayList<>(Charts.write(outDir, rows, contenders));
        charts.addAll(Overview.write(outDir, rows)); // overview.md and overview.png: the README's table and chart
        String summary = "Talc for Java: comparative benchmarks, " + budget.name() + " mode\n\n" + env.text() + "\n"
                + tables + "What each adapter measures (peers lacking a feature get the nearest honest equivalent):\n"
                + String.join("\n", notes.stream().map(n -> "  " + n).toList()) + "\n";
        if (profileDir != null && Files.exists(profileDir.resolve("breakdown.tsv"))) {
            List<ProfileBreakdown> breakdowns = Files.readAllLines(profileDir.resolve("breakdown.tsv"), StandardCharsets.UTF_8)
                    .stream().skip(1).filter(l -> !l.isBlank()).map(ProfileBreakdown::fromTsv).toList();
            String where = "Where the workload thread's time went (profiled run: its figures are not for publishing; flame"
                    + " graphs in " + profileDir + ")\n" + ProfileBreakdown.table(breakdowns);
            System.out.println();
            System.out.print(where);
            summary += "\n" + where;
        }
        Files.writeString(outDir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
        double seconds = (System.currentTimeMillis() - start) / 1000.0;
        System.out.printf(Locale.ROOT, "Wrote %s, %s, %s and %d charts in %s (%.0f s in all).%n", csv.getFileName(),
                "environment.txt", "summary.txt", charts.size(), outDir, seconds);
        return rows;
    }

    private List<Row> inProcess(Contender c, int index, long start) {
        List<Row> rows = new ArrayList<>();
        Progress progress = ContenderRun.progress(c, index, contenders.size(), start);
        ContenderRun.run(c, budget, progress, profileDir == null ? null : Profiling.open(profileDir, progress::line),
                rows::add);
        return rows;
    }

    private List<Row> forked(Contender c, int index, long start) throws IOException, InterruptedException {
        Path rowsFile = Files.createTempFile("talc-bench-" + c.id() + "-", ".tsv");
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(FORK_JVM_ARGS);
            if (profileDir != null) {
                command.add("-D" + Profiling.PROPERTY + "=" + profileDir.toAbsolutePath());
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
            command.addAll(List.of("child", budget.name(), c.id(), rowsFile.toString(), Integer.toString(index),
                    Integer.toString(contenders.size()), Long.toString(start), String.join(",", budget.traces().names()),
                    Integer.toString(budget.traces().warmups()), Integer.toString(budget.traces().passes())));
            Process p = new ProcessBuilder(command).inheritIO().start();
            String stopped = null;
            if (!p.waitFor(budget.childTimeoutSeconds(), TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
                stopped = "failed: stopped after " + budget.childTimeoutSeconds() + " s (the budget's limit per allocator)";
            } else if (p.exitValue() != 0) {
                stopped = "failed: its JVM exited with status " + p.exitValue();
            }
            List<Row> rows = new ArrayList<>();
            for (String line : Files.readAllLines(rowsFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    rows.add(Row.fromTsv(line));
                }
            }
            if (stopped != null) {
                System.out.println("    " + c.name() + ": " + stopped);
                rows.add(Row.missing(ContenderRun.ALL, c.name(), 0, 0, "", stopped));
            }
            return rows;
        } finally {
            Files.deleteIfExists(rowsFile);
        }
    }
}

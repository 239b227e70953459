package dev.talc.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.alloc.Contenders.Kind;
import dev.talc.bench.workload.HeapEfficiency;
import dev.talc.bench.workload.HighAlignment;
import dev.talc.bench.workload.Microbench;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.RandomActions;
import dev.talc.bench.workload.TraceReplay;
import dev.talc.bench.trace.Traces;

/**
 * The readable tables printed at the end of a run (and written to {@code summary.txt}): one per benchmark
 * configuration, allocators as rows, each figure with its ratio to Talc beside it, then the ratio of Talc to
 * the best Java peer and the best native peer, and the Rust Talc reference row where DESIGN.md gives one.
 *
 * <p>Design note: tables read only {@link Row}s. A cell with no row of its own shows the reason carried by
 * a wildcard row ({@code benchmark*}: "not run", "failed") or "-"; full reasons are listed under the tables,
 * so no allocator is ever silently dropped. For times (lower is better) the ratio lines are inverted, so a
 * ratio above 1 always means "Talc better". The alignment-16 variant's tables list the allocators the budget runs
 * it for, and add the figure its target is about: each allocator's align16 / standard, from the ratio rows.
 */
public final class Tables {

    private final List<Row> rows;
    private final List<Contender> contenders;

    private Tables(List<Row> rows, List<Contender> contenders) {
        this.rows = rows;
        this.contenders = contenders;
    }

    /** Renders every table for which {@code rows} has data. */
    public static String render(List<Row> rows, List<Contender> contenders, Params.Budget budget) {
        return new Tables(rows, contenders).render(budget);
    }

    private String render(Params.Budget budget) {
        StringBuilder out = new StringBuilder();
        out.append("All figures from this run on this machine; ratios compare columns of the same run.\n")
                .append("Ratio \"x Talc\" = figure / Talc's figure (Talc = ConcurrentTalc for 2 threads). Lines \"Talc vs best ...\":")
                .append(" above 1 = Talc better.\n\n");
        for (boolean realloc : new boolean[] {true, false}) {
            for (int threads : Params.RA_THREADS) {
                String benchmark = realloc ? RandomActions.NAME : RandomActions.NAME_NO_REALLOC;
                List<Integer> sizes = budget.maxSizes(threads, realloc);
                if (!sizes.isEmpty()) {
                    randomActions(out, benchmark, threads, sizes, realloc, budget);
                }
            }
        }
        for (boolean realloc : new boolean[] {true, false}) {
            align16(out, realloc, budget);
        }
        heapEfficiency(out, budget);
        for (boolean pressure : new boolean[] {false, true}) {
            for (String op : List.of("allocate", "free")) {
                latency(out, pressure, op);
            }
        }
        highAlignment(out);
        traces(out, budget);
        notes(out);
        return out.toString();
    }

    // ---- sections ---------------------------------------------------------------------------------

    private void randomActions(StringBuilder out, String benchmark, int threads, List<Integer> sizes, boolean realloc,
                               Params.Budget budget) {
        String reference = threads == 1 ? Contenders.TALC : Contenders.CONCURRENT_TALC;
        out.append(String.format(Locale.ROOT, "Random actions, %s, %d thread%s: successful operations per 200 ms"
                        + " (mean of %d trials; higher is better)%n", realloc ? "with realloc" : "without realloc",
                threads, threads == 1 ? "" : "s on one shared allocator", budget.trials()));
        List<String> header = new ArrayList<>(List.of("allocator"));
        sizes.forEach(m -> header.add("M=" + m));
        List<List<String>> body = new ArrayList<>();
        for (Contender c : contenders) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            for (int m : sizes) {
                line.add(scoreCell(c.name(), benchmark, threads, m, reference));
            }
            body.add(line);
        }
        if (threads == 1 && realloc) {
            List<String> ref = new ArrayList<>(List.of(Params.RUST_TALC_LABEL));
            for (int m : sizes) {
                ref.add(Params.RUST_TALC_REFERENCE_TEXT.get(Params.RA_MAX_SIZES.indexOf(m)));
            }
            body.add(ref);
        }
        for (Kind kind : List.of(Kind.JAVA_PEER, Kind.NATIVE_PEER)) {
            bestLines(body, kind, reference, threads, sizes, benchmark, false);
        }
        if (threads == 1 && realloc) {
            List<String> line = new ArrayList<>(List.of("Talc vs Rust Talc reference"));
            for (int m : sizes) {
                Optional<Row> talc = measured(Contenders.TALC, benchmark, threads, m);
                double rust = Params.RUST_TALC_REFERENCE.get(Params.RA_MAX_SIZES.indexOf(m));
                line.add(talc.map(r -> ratio(r.score() / rust)).orElse("-"));
            }
            body.add(line);
        }
        if (threads == 1) {
            parityLines(body, benchmark, sizes, realloc);
        }
        table(out, header, body, contenders.size());
    }

    /** The glibc-through-FFM peer of the parity target: plain downcalls, as DESIGN.md section 6 calibrated. */
    static final String PARITY_GLIBC = "JDK malloc (FFM)";

    /** Adds Talc's score over {@link #PARITY_GLIBC}'s and, below it, the parity target it must reach. */
    private void parityLines(List<List<String>> body, String benchmark, List<Integer> sizes, boolean realloc) {
        List<Double> targets = realloc ? Params.PARITY_TARGET_REALLOC : Params.PARITY_TARGET_NO_REALLOC;
        List<String> ratios = new ArrayList<>(List.of("Talc / " + PARITY_GLIBC));
        List<String> target = new ArrayList<>(List.of(Params.PARITY_TARGET_LABEL));
        boolean any = false;
        for (int m : sizes) {
            Optional<Row> talc = measured(Contenders.TALC, benchmark, 1, m);
            Optional<Row> glibc = measured(PARITY_GLIBC, benchmark, 1, m);
            any |= talc.isPresent() && glibc.isPresent();
            ratios.add(talc.isPresent() && glibc.isPresent() ? ratio(talc.get().score() / glibc.get().score()) : "-");
            int i = Params.RA_MAX_SIZES.indexOf(m);
            target.add(i < 0 ? "-" : ratio(targets.get(i)));
        }
        if (any) {
            body.add(ratios);
            body.add(target);
        }
    }

    /** The target of DESIGN.md section 6 for the alignment-16 variant: Talc's align16 / standard at every M. */
    static final double ALIGN16_TARGET = 0.95;

    /**
     * The alignment-16 variant: its scores (ratios to Talc), then the figure its target is about, each
     * allocator's align16 / standard at each M, and whether Talc meets the target.
     */
    private void align16(StringBuilder out, boolean realloc, Params.Budget budget) {
        String benchmark = RandomActions.Variant.ALIGN16.benchmark(realloc);
        String ratioName = RandomActions.ratioName(realloc);
        List<Contender> running = contenders.stream()
                .filter(c -> !budget.align16Sizes(c.name(), realloc).isEmpty()).toList();
        List<Integer> sizes = running.stream().flatMap(c -> budget.align16Sizes(c.name(), realloc).stream())
                .distinct().sorted().toList();
        if (sizes.isEmpty()) {
            return;
        }
        String mode = realloc ? "with realloc" : "without realloc";
        out.append(String.format(Locale.ROOT, "Random actions, alignment >= 16 (every drawn alignment raised to 16), %s,"
                + " 1 thread: successful operations per 200 ms (mean of %d trials, alternating with the standard"
                + " variant's; higher is better)%n", mode, budget.trials()));
        if (budget.align16().sizes(true, realloc).isEmpty()) {
            out.append("(this mode runs it for Talc's own allocators only)\n");
        }
        List<String> header = new ArrayList<>(List.of("allocator"));
        sizes.forEach(m -> header.add("M=" + m));
        List<List<String>> body = new ArrayList<>();
        for (Contender c : running) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            sizes.forEach(m -> line.add(scoreCell(c.name(), benchmark, 1, m, Contenders.TALC)));
            body.add(line);
        }
        for (Kind kind : List.of(Kind.JAVA_PEER, Kind.NATIVE_PEER)) {
            bestLines(body, kind, Contenders.TALC, 1, sizes, benchmark, false);
        }
        table(out, header, body, running.size());

        out.append(String.format(Locale.ROOT, "Alignment >= 16 / standard, %s, 1 thread: the same allocator, trials"
                + " alternating in one JVM, median of the per-trial ratios (target: Talc >= %.2f at every M)%n", mode,
                ALIGN16_TARGET));
        body = new ArrayList<>();
        for (Contender c : running) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            for (int m : sizes) {
                Optional<Row> r = find(c.name(), ratioName, 1, m);
                line.add(r.isEmpty() ? "-" : r.get().measured()
                        ? String.format(Locale.ROOT, "%.3f", r.get().score()) : shortReason(r.get().note()));
            }
            body.add(line);
        }
        table(out, header, body, running.size());
        int found = 0;
        double lowest = Double.POSITIVE_INFINITY;
        int lowestAt = 0;
        for (int m : sizes) {
            Optional<Row> r = measured(Contenders.TALC, ratioName, 1, m);
            if (r.isPresent()) {
                found++;
                if (r.get().score() < lowest) {
                    lowest = r.get().score();
                    lowestAt = m;
                }
            }
        }
        if (found == sizes.size()) {
            out.append(String.format(Locale.ROOT, "Talc %s the target (>= %.2f at every M): lowest %.3f at M=%d%n%n",
                    lowest >= ALIGN16_TARGET ? "meets" : "misses", ALIGN16_TARGET, lowest, lowestAt));
        }
    }

    private void heapEfficiency(StringBuilder out, Params.Budget budget) {
        String b = HeapEfficiency.NAME;
        if (rows.stream().noneMatch(r -> r.benchmark().equals(b))) {
            return;
        }
        out.append(String.format(Locale.ROOT, "Heap efficiency: live bytes / arena bytes at the first failure, M=%d,"
                + " realloc to U[1,%d) (mean of %d rounds; higher is better)%n", Params.HE_MAX_SIZE, Params.HE_REALLOC_MAX,
                budget.heapRounds()));
        List<List<String>> body = new ArrayList<>();
        for (Contender c : contenders) {
            body.add(List.of(label(c), scoreCell(c.name(), b, 1, Params.HE_MAX_SIZE, Contenders.TALC)));
        }
        body.add(List.of(Params.RUST_TALC_LABEL, Params.RUST_TALC_HEAP_EFFICIENCY));
        for (Kind kind : List.of(Kind.JAVA_PEER)) {
            bestLines(body, kind, Contenders.TALC, 1, List.of(Params.HE_MAX_SIZE), b, false);
        }
        table(out, List.of("allocator", "efficiency %"), body, contenders.size());
    }

    private void latency(StringBuilder out, boolean pressure, String op) {
        String any = Microbench.rowName(pressure, op, 50);
        if (rows.stream().noneMatch(r -> r.benchmark().equals(any))) {
            return;
        }
        out.append(String.format(Locale.ROOT, "Latency of %s, %s: ns per call, percentiles (System.nanoTime per call,"
                        + " timer overhead subtracted; lower is better)%n", op,
                pressure ? "under heap pressure (after the first failure; failed calls included)"
                        : "mixed workload, sizes for M=" + Params.MB_MAX_SIZE));
        List<String> header = new ArrayList<>(List.of("allocator"));
        for (double p : Params.MB_PERCENTILES) {
            String n = Microbench.rowName(pressure, op, p);
            header.add(n.substring(n.lastIndexOf('_') + 1));
        }
        header.add("p50 x Talc");
        List<List<String>> body = new ArrayList<>();
        for (Contender c : contenders) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            for (double p : Params.MB_PERCENTILES) {
                line.add(plainCell(c.name(), Microbench.rowName(pressure, op, p), 1, Params.MB_MAX_SIZE));
            }
            line.add(ratioOnly(c.name(), any, 1, Params.MB_MAX_SIZE, Contenders.TALC));
            body.add(line);
        }
        for (Kind kind : List.of(Kind.JAVA_PEER, Kind.NATIVE_PEER)) {
            List<List<String>> lines = new ArrayList<>();
            bestLines(lines, kind, Contenders.TALC, 1, List.of(Params.MB_MAX_SIZE), any, true);
            for (List<String> l : lines) { // put the p50 figures in the p50 column
                List<String> line = new ArrayList<>(List.of(l.get(0) + " (p50)"));
                for (int i = 1; i < header.size(); i++) {
                    line.add(header.get(i).equals("p50") ? l.get(1) : "");
                }
                body.add(line);
            }
        }
        table(out, header, body, contenders.size());
    }

    private void highAlignment(StringBuilder out) {
        if (rows.stream().noneMatch(r -> r.benchmark().startsWith("high_alignment_"))) {
            return;
        }
        out.append(String.format(Locale.ROOT, "High alignment: %d allocations then %d frees; ms (median);"
                        + " ratio = align4096 / align8 (lower is better)%n", Params.HA_COUNT, Params.HA_COUNT));
        List<List<String>> body = new ArrayList<>();
        long m = HighAlignment.MAX_SIZE;
        for (Contender c : contenders) {
            body.add(List.of(label(c), plainCell(c.name(), HighAlignment.NAME_LOW, 1, m),
                    plainCell(c.name(), HighAlignment.NAME_HIGH, 1, m), plainCell(c.name(), HighAlignment.NAME_RATIO, 1, m)));
        }
        table(out, List.of("allocator", "4096 B align 8", "1 B align 4096", "ratio"), body, contenders.size());
    }

    /** The glibc peer the trace tables compare with: malloc through critical FFM downcalls. */
    static final String GLIBC = "glibc malloc (FFM critical)";

    /** The traces with rows, in the order of {@link Traces#ALL}. */
    private List<String> traceNames() {
        List<String> names = new ArrayList<>();
        for (String name : Traces.names()) {
            String b = TraceReplay.benchmark(name);
            if (rows.stream().anyMatch(r -> r.benchmark().equals(b))) {
                names.add(name);
            }
        }
        return names;
    }

    private void traces(StringBuilder out, Params.Budget budget) {
        List<String> names = traceNames();
        if (names.isEmpty()) {
            return;
        }
        List<String> header = new ArrayList<>(List.of("allocator"));
        header.addAll(names);
        out.append(String.format(Locale.ROOT, "Real programs' traces: ns per event, every event in recorded order on one"
                + " thread, canaries checked (median of %d timed passes; lower is better)%n", budget.traces().passes()));
        List<List<String>> body = new ArrayList<>();
        for (Contender c : contenders) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            names.forEach(n -> line.add(scoreCell(c.name(), TraceReplay.benchmark(n), 1, 0, Contenders.TALC)));
            body.add(line);
        }
        traceVersusLines(body, names, TraceReplay::benchmark);
        table(out, header, body, contenders.size());

        out.append("The same, as a ratio to " + GLIBC + " (below 1 = faster than glibc)\n");
        body = new ArrayList<>();
        for (Contender c : contenders) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            names.forEach(n -> line.add(ratioOnly(c.name(), TraceReplay.benchmark(n), 1, 0, GLIBC)));
            body.add(line);
        }
        table(out, header, body, contenders.size());

        out.append("Real programs' traces: peak footprint / peak live bytes (footprint in MiB; lower is better;"
                + " what each figure measures: the notes)\n");
        body = new ArrayList<>();
        List<String> peak = new ArrayList<>(List.of("peak live bytes of the trace"));
        for (String n : names) {
            peak.add(rows.stream().filter(r -> r.measured() && r.benchmark().equals(TraceReplay.footprintBytesBenchmark(n)))
                    .findFirst().flatMap(r -> measured(r.allocator(), TraceReplay.footprintBenchmark(n), 1, 0)
                            .map(x -> String.format(Locale.ROOT, "%.1f MiB", r.score() / x.score() / 1048576.0)))
                    .orElse("-"));
        }
        for (Contender c : contenders) {
            List<String> line = new ArrayList<>(List.of(label(c)));
            for (String n : names) {
                Optional<Row> r = find(c.name(), TraceReplay.footprintBenchmark(n), 1, 0);
                Optional<Row> b = measured(c.name(), TraceReplay.footprintBytesBenchmark(n), 1, 0);
                if (r.isEmpty()) {
                    line.add("-");
                } else if (!r.get().measured()) {
                    line.add(shortReason(r.get().note()));
                } else {
                    line.add(String.format(Locale.ROOT, "%.2f", r.get().score())
                            + b.map(x -> String.format(Locale.ROOT, " (%.1f)", x.score() / 1048576.0)).orElse(""));
                }
            }
            body.add(line);
        }
        body.add(peak);
        traceVersusLines(body, names, TraceReplay::footprintBenchmark);
        table(out, header, body, contenders.size());
    }

    /** "Talc vs glibc", "Talc vs best native peer" and "Talc vs best Java peer" lines (above 1 = Talc better). */
    private void traceVersusLines(List<List<String>> body, List<String> names,
                                  java.util.function.Function<String, String> benchmark) {
        List<String> glibc = new ArrayList<>(List.of(Contenders.TALC + " vs " + GLIBC));
        boolean any = false;
        for (String n : names) {
            Optional<Row> talc = measured(Contenders.TALC, benchmark.apply(n), 1, 0);
            Optional<Row> peer = measured(GLIBC, benchmark.apply(n), 1, 0);
            any |= talc.isPresent() && peer.isPresent();
            glibc.add(talc.isPresent() && peer.isPresent() ? ratio(peer.get().score() / talc.get().score()) : "-");
        }
        if (any) {
            body.add(glibc);
        }
        for (Kind kind : List.of(Kind.NATIVE_PEER, Kind.JAVA_PEER)) {
            List<String> best = new ArrayList<>(List.of("best " + kind.label()));
            List<String> versus = new ArrayList<>(List.of(Contenders.TALC + " vs best " + kind.label()));
            boolean found = false;
            for (String n : names) {
                Row winner = null;
                for (Contender c : contenders) {
                    Optional<Row> r = measured(c.name(), benchmark.apply(n), 1, 0);
                    if (c.kind() == kind && r.isPresent() && (winner == null || r.get().score() < winner.score())) {
                        winner = r.get();
                    }
                }
                Optional<Row> talc = measured(Contenders.TALC, benchmark.apply(n), 1, 0);
                best.add(winner == null ? "-" : winner.allocator());
                versus.add(winner != null && talc.isPresent() ? ratio(winner.score() / talc.get().score()) : "-");
                found |= winner != null && talc.isPresent();
            }
            if (found) {
                body.add(best);
                body.add(versus);
            }
        }
    }

    private void notes(StringBuilder out) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Contender c : contenders) {
            for (Row r : rows) {
                if (r.allocator().equals(c.name()) && r.benchmark().endsWith("*")) {
                    reasons.merge(c.name(), r.note(), (a, b) -> a + "; " + b);
                }
            }
            if (rows.stream().noneMatch(r -> r.allocator().equals(c.name()))) {
                reasons.put(c.name(), "not run: no results (its JVM produced none)");
            }
        }
        if (!reasons.isEmpty()) {
            out.append("Not run / failed:\n");
            reasons.forEach((name, why) -> out.append("  ").append(name).append(": ").append(why).append('\n'));
            out.append('\n');
        }
    }

    // ---- cells ------------------------------------------------------------------------------------

    private static String label(Contender c) {
        return c.name();
    }

    /** The row for this cell, or the wildcard row that explains its absence. */
    private Optional<Row> find(String allocator, String benchmark, int threads, long maxSize) {
        for (Row r : rows) {
            if (r.allocator().equals(allocator) && r.benchmark().equals(benchmark) && r.threads() == threads
                    && r.maxSize() == maxSize) {
                return Optional.of(r);
            }
        }
        for (Row r : rows) {
            if (r.allocator().equals(allocator) && r.benchmark().endsWith("*")
                    && benchmark.startsWith(r.benchmark().substring(0, r.benchmark().length() - 1))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Optional<Row> measured(String allocator, String benchmark, int threads, long maxSize) {
        return find(allocator, benchmark, threads, maxSize).filter(Row::measured);
    }

    private String scoreCell(String allocator, String benchmark, int threads, long maxSize, String reference) {
        Optional<Row> r = find(allocator, benchmark, threads, maxSize);
        if (r.isEmpty()) {
            return "-";
        }
        if (!r.get().measured()) {
            return shortReason(r.get().note());
        }
        String value = Row.human(r.get().score());
        Optional<Row> ref = measured(reference, benchmark, threads, maxSize);
        return ref.map(x -> value + " " + ratio(r.get().score() / x.score())).orElse(value);
    }

    private String plainCell(String allocator, String benchmark, int threads, long maxSize) {
        Optional<Row> r = find(allocator, benchmark, threads, maxSize);
        if (r.isEmpty()) {
            return "-";
        }
        return r.get().measured() ? Row.human(r.get().score()) : shortReason(r.get().note());
    }

    private String ratioOnly(String allocator, String benchmark, int threads, long maxSize, String reference) {
        Optional<Row> r = measured(allocator, benchmark, threads, maxSize);
        Optional<Row> ref = measured(reference, benchmark, threads, maxSize);
        if (r.isEmpty() || ref.isEmpty() || ref.get().score() == 0) {
            return "";
        }
        return ratio(r.get().score() / ref.get().score());
    }

    /** Adds "best KIND" and "Talc vs best KIND" lines. */
    private void bestLines(List<List<String>> body, Kind kind, String reference, int threads, List<Integer> sizes,
                           String benchmark, boolean lowerIsBetter) {
        List<String> names = new ArrayList<>(List.of("best " + kind.label()));
        List<String> ratios = new ArrayList<>(List.of(reference + " vs best " + kind.label()));
        boolean any = false;
        for (int m : sizes) {
            Row best = null;
            for (Contender c : contenders) {
                if (c.kind() != kind) {
                    continue;
                }
                Optional<Row> r = measured(c.name(), benchmark, threads, m);
                if (r.isPresent() && (best == null
                        || (lowerIsBetter ? r.get().score() < best.score() : r.get().score() > best.score()))) {
                    best = r.get();
                }
            }
            Optional<Row> ref = measured(reference, benchmark, threads, m);
            names.add(best == null ? "-" : best.allocator());
            if (best != null && ref.isPresent()) {
                any = true;
                double x = lowerIsBetter ? best.score() / ref.get().score() : ref.get().score() / best.score();
                ratios.add(ratio(x));
            } else {
                ratios.add("-");
            }
        }
        if (any) {
            if (sizes.size() > 1) {
                body.add(names);
            } else {
                ratios.set(0, ratios.get(0) + " (" + names.get(1) + ")");
            }
            body.add(ratios);
        }
    }

    private static String ratio(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return "-";
        }
        return String.format(Locale.ROOT, x >= 10 ? "%.0fx" : "%.2fx", x);
    }

    private static String shortReason(String note) {
        if (note.startsWith("not run")) {
            return "not run";
        }
        if (note.startsWith("n/a")) {
            return "n/a";
        }
        if (note.startsWith("failed")) {
            return "failed";
        }
        return note.isEmpty() ? "-" : note.length() > 12 ? note.substring(0, 12) : note;
    }

    /** Prints a table: first column left-aligned, the others right-aligned; a rule after {@code split} body rows. */
    private static void table(StringBuilder out, List<String> header, List<List<String>> body, int split) {
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (List<String> line : body) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        line(out, header, width);
        rule(out, width);
        for (int k = 0; k < body.size(); k++) {
            if (k == split) {
                rule(out, width);
            }
            line(out, body.get(k), width);
        }
        out.append('\n');
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            if (i == 0) {
                s.append(String.format("%-" + width[0] + "s", c));
            } else {
                s.append("  ").append(String.format("%" + width[i] + "s", c));
            }
        }
        out.append(s.toString().stripTrailing()).append('\n');
    }

    private static void rule(StringBuilder out, int[] width) {
        int total = width[0];
        for (int i = 1; i < width.length; i++) {
            total += 2 + width[i];
        }
        out.append("-".repeat(total)).append('\n');
    }
}

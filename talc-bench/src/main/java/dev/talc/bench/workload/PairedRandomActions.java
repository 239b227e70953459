package dev.talc.bench.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.report.ForkMedian;
import dev.talc.bench.report.ResultsCsv;
import dev.talc.bench.report.Row;

/**
 * One allocator against another on 1-thread random actions, trial for trial in one JVM: the ratio of two
 * allocators that differ by a few nanoseconds per operation, measured with less noise than fresh JVMs give.
 *
 * <p>Design note. On the development VM a whole JVM can run a third slower than the next, so the ratio of
 * two allocators' scores from separate JVMs ({@code full --forks N}) moves by ±10% from run to run. Here
 * both run in one JVM, in rounds of one trial each (a fresh allocator per trial, 200 ms, as in
 * {@link RandomActions}) after a JIT warm-up (2 s each, then 3 unscored rounds per configuration), the
 * order alternating from round to round so that drift cancels; each round
 * gives one ratio {@code with / base}, and the figure is the median ratio over the rounds, with its
 * range. The price: both allocators share the JIT's profile of the workload loop (its call sites see two
 * receiver classes, an inlined type check each) and of any code they share, which the fresh-JVM
 * comparison avoids. Use it for allocators built on one another (ConcurrentTalc on Talc), where the
 * shared code is the point.
 */
public final class PairedRandomActions {

    /** The CSV header of {@code paired.csv}. */
    public static final String HEADER = "benchmark,base,with,max_size,base_median,with_median,ratio_median,ratio_min,"
            + "ratio_max,rounds";
    private static final int WARM_UP_ROUNDS = 3;
    /** Before the first configuration each allocator runs this long, as {@link Params#FULL}'s first warm-up. */
    private static final long FIRST_WARM_UP_NANOS = Params.FULL.firstWarmupNanos();

    private PairedRandomActions() {
    }

    /** The figures of one configuration; scores in operations per 200 ms. */
    public record Pair(String benchmark, int maxSize, double baseMedian, double withMedian, double ratioMedian,
                       double ratioMin, double ratioMax, int rounds) {
    }

    /**
     * Runs every 1-thread random-actions configuration (with and without realloc, every max size) as
     * {@code rounds} paired trials of {@code durationNanos} each (the workload's is
     * {@link Params#RA_DURATION_NANOS}; scores are scaled to it), prints one line per configuration and
     * writes {@code paired.csv} into {@code out}.
     */
    public static List<Pair> run(Contender base, Contender with, int rounds, long durationNanos, Progress progress,
                                 Path out) throws Exception {
        if (rounds < 1 || durationNanos <= 0) {
            throw new IllegalArgumentException("rounds=" + rounds + " durationNanos=" + durationNanos
                    + " must both be >= 1");
        }
        long firstWarmUp = Math.min(FIRST_WARM_UP_NANOS, 10 * durationNanos);
        RandomActions.trial(base.factory(), 1, Params.RA_MAX_SIZES.get(0), true, firstWarmUp);
        RandomActions.trial(with.factory(), 1, Params.RA_MAX_SIZES.get(0), true, firstWarmUp);
        List<Pair> pairs = new ArrayList<>();
        for (boolean realloc : new boolean[] {true, false}) {
            String benchmark = realloc ? RandomActions.NAME : RandomActions.NAME_NO_REALLOC;
            for (int m : Params.RA_MAX_SIZES) {
                Pair pair = measure(base, with, benchmark, m, realloc, rounds, durationNanos);
                progress.line(String.format(Locale.ROOT, "%-26s t=1 M=%-5d %s %s, %s %s: ratio median %.3f"
                                + " (range %.3f-%.3f over %d rounds)", benchmark, m, base.name(),
                        Row.human(pair.baseMedian()), with.name(), Row.human(pair.withMedian()),
                        pair.ratioMedian(), pair.ratioMin(), pair.ratioMax(), rounds));
                pairs.add(pair);
            }
        }
        write(out.resolve("paired.csv"), base, with, pairs);
        return pairs;
    }

    private static Pair measure(Contender base, Contender with, String benchmark, int m, boolean realloc, int rounds,
                                long durationNanos) throws Exception {
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            trial(base, m, realloc, durationNanos);
            trial(with, m, realloc, durationNanos);
        }
        double[] baseScores = new double[rounds];
        double[] withScores = new double[rounds];
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            boolean baseFirst = i % 2 == 0;
            double first = trial(baseFirst ? base : with, m, realloc, durationNanos);
            double second = trial(baseFirst ? with : base, m, realloc, durationNanos);
            baseScores[i] = baseFirst ? first : second;
            withScores[i] = baseFirst ? second : first;
            ratios[i] = withScores[i] / baseScores[i];
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double ratio : ratios) {
            min = Math.min(min, ratio);
            max = Math.max(max, ratio);
        }
        return new Pair(benchmark, m, ForkMedian.median(baseScores), ForkMedian.median(withScores),
                ForkMedian.median(ratios), min, max, rounds);
    }

    private static double trial(Contender contender, int m, boolean realloc, long durationNanos) throws Exception {
        long score = RandomActions.trial(contender.factory(), 1, m, realloc, durationNanos)[0];
        return score * (double) Params.RA_DURATION_NANOS / durationNanos;
    }

    private static void write(Path file, Contender base, Contender with, List<Pair> pairs) throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Pair p : pairs) {
            csv.append(p.benchmark()).append(',').append(ResultsCsv.field(base.name())).append(',')
                    .append(ResultsCsv.field(with.name())).append(',').append(p.maxSize()).append(',')
                    .append(ResultsCsv.number(p.baseMedian())).append(',')
                    .append(ResultsCsv.number(p.withMedian())).append(',')
                    .append(ResultsCsv.number(p.ratioMedian())).append(',')
                    .append(ResultsCsv.number(p.ratioMin())).append(',')
                    .append(ResultsCsv.number(p.ratioMax())).append(',')
                    .append(p.rounds()).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }
}

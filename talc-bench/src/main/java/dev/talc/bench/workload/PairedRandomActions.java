package dev.talc.bench.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.report.ForkMedian;
import dev.talc.bench.report.ResultsCsv;
import dev.talc.bench.report.Row;

/**
 * Allocators against a base on 1-thread random actions, trial for trial in one JVM: the ratio of
 * allocators that differ by a few nanoseconds per operation, measured with less noise than fresh JVMs give.
 *
 * <p>Design note. On the development VM a whole JVM can run a third slower than the next, so the ratio of
 * two allocators' scores from separate JVMs ({@code full --forks N}) moves by ±10% from run to run. Here
 * all run in one JVM, in rounds of one trial each (a fresh allocator per trial, 200 ms, as in
 * {@link RandomActions}) after a JIT warm-up (2 s each, then 3 unscored rounds per configuration), the
 * order rotating from round to round so that drift cancels; each round gives one ratio
 * {@code with / base} per other allocator, and the figure is the median ratio over the rounds, with its
 * range. Several allocators in one run put their ratios side by side, measured under the same noise. The
 * price: the allocators share the JIT's profile of the workload loop (its call sites see several receiver
 * classes, an inlined type check each) and of any code they share, which the fresh-JVM comparison avoids.
 * Use it for allocators built on one another (ConcurrentTalc on Talc, the probes on Talc), where the shared
 * code is the point.
 *
 * <p>Each side runs a {@link RandomActions.Variant}: {@code talc:align16} is Talc on the alignment-16 variant.
 * Set against {@code talc} (standard), both sides are the same allocator class running the same loop on the
 * same random numbers, so nothing but the raised alignments differs between them, and the JIT sees one
 * receiver class; this is the sharpest measure of what alignment 16 costs.
 */
public final class PairedRandomActions {

    /**
     * The CSV header of {@code paired.csv}: {@code benchmark} names the configuration (the standard variant's
     * name); the variants each side ran are the last two columns.
     */
    public static final String HEADER = "benchmark,base,with,max_size,base_median,with_median,ratio_median,ratio_min,"
            + "ratio_max,rounds,base_variant,with_variant";
    private static final int WARM_UP_ROUNDS = 3;
    /** Before the first configuration each allocator runs this long, as {@link Params#FULL}'s first warm-up. */
    private static final long FIRST_WARM_UP_NANOS = Params.FULL.firstWarmupNanos();

    private PairedRandomActions() {
    }

    /**
     * What to run: the max sizes, whether with realloc, without, or both (in that order), rounds per
     * configuration, and the duration of one trial (the workload's is {@link Params#RA_DURATION_NANOS};
     * scores are scaled to it).
     *
     * @param maxSizes      max sizes M, each at least 1
     * @param reallocModes  {@code true} for the workload with realloc, {@code false} without; not empty
     * @param rounds        paired rounds per configuration, at least 1
     * @param durationNanos the duration of one trial, at least 1
     */
    public record Plan(List<Integer> maxSizes, List<Boolean> reallocModes, int rounds, long durationNanos) {
        /**
         * Checks the plan.
         *
         * @throws IllegalArgumentException if any part is empty or out of range
         */
        public Plan {
            maxSizes = List.copyOf(maxSizes);
            reallocModes = List.copyOf(reallocModes);
            if (rounds < 1 || durationNanos <= 0 || maxSizes.isEmpty() || reallocModes.isEmpty()
                    || maxSizes.stream().anyMatch(m -> m < 1)) {
                throw new IllegalArgumentException("rounds=" + rounds + " durationNanos=" + durationNanos
                        + " maxSizes=" + maxSizes + " reallocModes=" + reallocModes
                        + ": rounds and duration must be >= 1, sizes >= 1, and neither list empty");
            }
        }

        /** Both modes of the workload, with realloc first. */
        public static final List<Boolean> BOTH_MODES = List.of(true, false);

        /** Every configuration of the workload: both modes, every max size of {@link Params#RA_MAX_SIZES}. */
        public static Plan every(int rounds, long durationNanos) {
            return new Plan(Params.RA_MAX_SIZES, BOTH_MODES, rounds, durationNanos);
        }
    }

    /**
     * One side of a paired run: an allocator and the variant of the workload it runs.
     *
     * @param contender the allocator
     * @param variant   the variant it runs
     */
    public record Side(Contender contender, RandomActions.Variant variant) {

        /** The separator of {@code ID:VARIANT}. */
        public static final char SEPARATOR = ':';

        /** The allocator on the standard variant. */
        public static Side standard(Contender contender) {
            return new Side(contender, RandomActions.Variant.STANDARD);
        }

        /**
         * Parses {@code ID} or {@code ID:VARIANT} ({@code talc}, {@code talc:align16}, {@code talc:standard}).
         *
         * @throws IllegalArgumentException for an unknown allocator or variant, or an empty part, naming the spec
         */
        public static Side parse(String spec) {
            int colon = spec.lastIndexOf(SEPARATOR);
            String id = colon < 0 ? spec : spec.substring(0, colon);
            String variant = colon < 0 ? RandomActions.Variant.STANDARD.id() : spec.substring(colon + 1);
            if (id.isEmpty() || variant.isEmpty()) {
                throw new IllegalArgumentException("side=" + spec + ": expected ID or ID:VARIANT, e.g. talc:align16");
            }
            try {
                return new Side(Contenders.byId(id), RandomActions.Variant.byId(variant));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("side=" + spec + ": " + e.getMessage(), e);
            }
        }

        /** The allocator's display name, with {@code " [variant]"} when {@code tagged}. */
        public String label(boolean tagged) {
            return tagged ? contender.name() + " [" + variant.id() + "]" : contender.name();
        }
    }

    /**
     * The figures of one allocator against the base in one configuration; scores in operations per 200 ms.
     * {@code benchmark} names the configuration by its standard variant; {@code withVariant} is the variant
     * the allocator ran.
     */
    public record Pair(String benchmark, String with, RandomActions.Variant withVariant, int maxSize, double baseMedian,
                       double withMedian, double ratioMedian, double ratioMin, double ratioMax, int rounds) {
    }

    /**
     * Runs every configuration of {@code plan} as paired rounds of {@code base} and each of {@code with}, all on
     * the standard variant.
     *
     * @see #runSides
     */
    public static List<Pair> run(Contender base, List<Contender> with, Plan plan, Progress progress, Path out)
            throws Exception {
        return runSides(Side.standard(base), with.stream().map(Side::standard).toList(), plan, progress, out);
    }

    /**
     * Runs every configuration of {@code plan} as paired rounds of {@code base} and each of {@code with}, each
     * side on its own variant, prints one line per configuration and allocator and writes {@code paired.csv} into
     * {@code out}. When any side runs another variant than the standard one, the printed names carry every
     * side's variant ({@code Talc [standard]}, {@code Talc [align16]}).
     *
     * @return the figures, by configuration (as in the plan), then by allocator (as in {@code with})
     * @throws IllegalArgumentException if {@code with} is empty
     */
    public static List<Pair> runSides(Side base, List<Side> with, Plan plan, Progress progress, Path out)
            throws Exception {
        if (with.isEmpty()) {
            throw new IllegalArgumentException("with=[] must name at least one allocator to set against the base");
        }
        List<Side> all = new ArrayList<>();
        all.add(base);
        all.addAll(with);
        boolean tagged = all.stream().anyMatch(s -> s.variant() != RandomActions.Variant.STANDARD);
        long firstWarmUp = Math.min(FIRST_WARM_UP_NANOS, 10 * plan.durationNanos());
        for (Side s : all) {
            RandomActions.jitWarmUp(s.contender().factory(), 1, s.variant(), firstWarmUp);
        }
        List<Pair> pairs = new ArrayList<>();
        for (boolean realloc : plan.reallocModes()) {
            String benchmark = RandomActions.Variant.STANDARD.benchmark(realloc);
            for (int m : plan.maxSizes()) {
                List<Pair> measured = measure(all, benchmark, m, realloc, plan);
                for (int w = 0; w < measured.size(); w++) {
                    Pair pair = measured.get(w);
                    progress.line(String.format(Locale.ROOT, "%-26s t=1 M=%-5d %s %s, %s %s: ratio median %.3f"
                                    + " (range %.3f-%.3f over %d rounds)", benchmark, m, base.label(tagged),
                            Row.human(pair.baseMedian()), with.get(w).label(tagged), Row.human(pair.withMedian()),
                            pair.ratioMedian(), pair.ratioMin(), pair.ratioMax(), plan.rounds()));
                    pairs.add(pair);
                }
            }
        }
        write(out.resolve("paired.csv"), base, pairs);
        return pairs;
    }

    /** One configuration: {@code all.get(0)} is the base; one pair per other side. */
    private static List<Pair> measure(List<Side> all, String benchmark, int m, boolean realloc, Plan plan)
            throws Exception {
        int n = all.size();
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            for (Side s : all) {
                trial(s, m, realloc, plan.durationNanos());
            }
        }
        double[][] scores = new double[n][plan.rounds()];
        for (int round = 0; round < plan.rounds(); round++) {
            for (int k = 0; k < n; k++) {
                int who = (round + k) % n; // rotate the order from round to round
                scores[who][round] = trial(all.get(who), m, realloc, plan.durationNanos());
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (int w = 1; w < n; w++) {
            double[] ratios = new double[plan.rounds()];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int round = 0; round < ratios.length; round++) {
                ratios[round] = scores[w][round] / scores[0][round];
                min = Math.min(min, ratios[round]);
                max = Math.max(max, ratios[round]);
            }
            Side with = all.get(w);
            pairs.add(new Pair(benchmark, with.contender().name(), with.variant(), m, ForkMedian.median(scores[0]),
                    ForkMedian.median(scores[w]), ForkMedian.median(ratios), min, max, plan.rounds()));
        }
        return pairs;
    }

    private static double trial(Side side, int m, boolean realloc, long durationNanos) throws Exception {
        long score = RandomActions.trial(side.contender().factory(), 1, m, realloc, side.variant(), durationNanos)[0];
        return score * (double) Params.RA_DURATION_NANOS / durationNanos;
    }

    private static void write(Path file, Side base, List<Pair> pairs) throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Pair p : pairs) {
            csv.append(p.benchmark()).append(',').append(ResultsCsv.field(base.contender().name())).append(',')
                    .append(ResultsCsv.field(p.with())).append(',').append(p.maxSize()).append(',')
                    .append(ResultsCsv.number(p.baseMedian())).append(',')
                    .append(ResultsCsv.number(p.withMedian())).append(',')
                    .append(ResultsCsv.number(p.ratioMedian())).append(',')
                    .append(ResultsCsv.number(p.ratioMin())).append(',')
                    .append(ResultsCsv.number(p.ratioMax())).append(',')
                    .append(p.rounds()).append(',')
                    .append(base.variant().id()).append(',')
                    .append(p.withVariant().id()).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }
}

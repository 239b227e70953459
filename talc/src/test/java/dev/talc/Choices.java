package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.util.SplittableRandom;

/**
 * Where a test workload takes its decisions from: the fuzzer's input ({@link #of(FuzzedDataProvider)})
 * or a seeded random generator ({@link #seeded(long)}). The same workload code then serves the Jazzer
 * targets, the seeded misuse census and the soak, and a fuzzer finding replays as a plain test.
 */
interface Choices {

    /** Whether the source still has decisions to give (a seeded source always has). */
    boolean hasMore();

    /** A number in {@code [0, bound)}. */
    int nextInt(int bound);

    /** A number in {@code [min, max]} (both inclusive). */
    long nextLong(long min, long max);

    boolean nextBoolean();

    /** True with probability about {@code percent}%. */
    default boolean percent(int percent) {
        return nextInt(100) < percent;
    }

    /** A number in {@code [0, max]}, log-uniform-ish: small values are as likely as large ones. */
    default long logUniform(long max) {
        if (max <= 0) {
            return 0;
        }
        int bits = 64 - Long.numberOfLeadingZeros(max);
        int b = nextInt(bits + 1);
        long top = b == 0 ? 0 : Math.min(max, (1L << b) - 1);
        return nextLong(0, top);
    }

    /** One of {@code values}. */
    default <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }

    static Choices of(FuzzedDataProvider data) {
        return new FromFuzzer(data);
    }

    static Choices seeded(long seed) {
        return new Seeded(new SplittableRandom(seed), false);
    }

    /**
     * Decisions from {@code random} that draw from it for every decision, even one with a single outcome
     * (which {@link #seeded} answers without drawing): the same sequence as calling {@code random} directly,
     * so that a seed of the soak still runs what it ran before the soak used {@link Choices}.
     */
    static Choices drawingAlways(SplittableRandom random) {
        return new Seeded(random, true);
    }

    /** Decisions read from a fuzzer input; when the input is used up, every decision is its minimum. */
    final class FromFuzzer implements Choices {
        private final FuzzedDataProvider data;

        FromFuzzer(FuzzedDataProvider data) {
            this.data = data;
        }

        @Override
        public boolean hasMore() {
            return data.remainingBytes() > 0;
        }

        @Override
        public int nextInt(int bound) {
            return bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
        }

        @Override
        public long nextLong(long min, long max) {
            return min >= max ? min : data.consumeLong(min, max);
        }

        @Override
        public boolean nextBoolean() {
            return data.consumeBoolean();
        }
    }

    /**
     * Decisions from a seeded {@link SplittableRandom}: reproducible runs of any length. Unless
     * {@code drawingAlways}, a decision with a single outcome is answered without drawing.
     */
    final class Seeded implements Choices {
        private final SplittableRandom random;
        private final boolean drawingAlways;

        Seeded(SplittableRandom random, boolean drawingAlways) {
            this.random = random;
            this.drawingAlways = drawingAlways;
        }

        @Override
        public boolean hasMore() {
            return true;
        }

        @Override
        public int nextInt(int bound) {
            return bound <= 1 && !drawingAlways ? 0 : random.nextInt(bound);
        }

        @Override
        public long nextLong(long min, long max) {
            if (min >= max && !drawingAlways) {
                return min;
            }
            return max == Long.MAX_VALUE ? random.nextLong(min, max) : random.nextLong(min, max + 1);
        }

        @Override
        public boolean nextBoolean() {
            return random.nextBoolean();
        }
    }
}

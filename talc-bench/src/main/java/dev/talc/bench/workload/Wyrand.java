package dev.talc.bench.workload;

/**
 * The wyrand generator (as Rust's fastrand, which Talc's benchmarks use), plus the benchmark's size and
 * alignment distributions.
 *
 * <p>Design note: one {@code long} of state; {@code next()} adds a constant and folds the 128-bit product
 * {@code s * (s ^ K)}: {@code lo ^ hi}. Ranges use Lemire's multiply-high ({@code a + hi(x * (b - a))}),
 * without rejection (a bias below 2^-40 for our ranges). No allocation on any path, so the workloads' hot
 * loops stay garbage-free.
 *
 * <pre>
 *   state += 0xA0761D6478BD642F
 *   t      = state * (state ^ 0xE7037ED1A0B428DB)      (128-bit)
 *   next   = lo64(t) ^ hi64(t)
 * </pre>
 *
 * Not thread-safe: one instance per thread.
 */
public final class Wyrand {

    private static final long INCREMENT = 0xA0761D6478BD642FL;
    private static final long MIX = 0xE7037ED1A0B428DBL;

    private long state;

    /** A generator whose first {@link #next()} mixes {@code seed + INCREMENT}. */
    public Wyrand(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long next() {
        long s = state += INCREMENT;
        long m = s ^ MIX;
        return (s * m) ^ Math.unsignedMultiplyHigh(s, m);
    }

    /** Uniform in {@code [from, to)}; requires {@code from < to}. */
    public long range(long from, long to) {
        return from + Math.unsignedMultiplyHigh(next(), to - from);
    }

    /** Uniform in {@code [0, bound)}; requires {@code bound > 0}. */
    public int below(int bound) {
        return (int) Math.unsignedMultiplyHigh(next(), bound);
    }

    /**
     * An alignment: {@code 8 << (ntz(next() & 0xFFFF) / 2)}, a zero 16-bit value counting 16 trailing zeros.
     * 8 with probability 3/4, 16 with 3/16, 32 with 3/64, ... 2048 with 1/65536.
     */
    public long alignment() {
        return 8L << (Integer.numberOfTrailingZeros((int) (next() & 0xFFFF) | 0x10000) >>> 1);
    }

    /** A size for max {@code m}: {@code cap = U[16, m)}, {@code size = U[4, cap)}; so {@code 4 <= size < m - 1}. */
    public long size(long m) {
        long cap = range(16, m);
        return range(4, cap);
    }
}

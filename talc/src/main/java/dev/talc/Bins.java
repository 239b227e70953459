package dev.talc;

/**
 * Size classes ("bins") of gaps: which bin a gap of a given size lives in, and where a search starts.
 *
 * <h2>Design note</h2>
 * Chunk sizes are multiples of 8 bytes, at least {@link Tag#MIN_CHUNK} (32). Small sizes get one bin
 * each (exact fit, the common case for small objects); from 512 bytes on, every power of two is split
 * into 8 equal bins, so a bin's sizes differ by less than 12.5%.
 *
 * <pre>
 *   size in [32, 512)              bin = size / 8 - 4                          bins 0 .. 59
 *   size >= 512, e = log2(size)    bin = 8 e - 20 + (size >> (e - 3))          bins 60 .. 491
 *                                      = 60 + 8 (e - 9) + (3 bits below the top bit)
 * </pre>
 *
 * Worked example: a 1000-byte chunk has {@code e = 9}, {@code 1000 >> 6 = 15}, so bin 72 - 20 + 15 = 67,
 * which holds sizes [960, 1024). A request for exactly 1000 bytes may not fit a gap from bin 67 (960
 * would not do), so the search starts one bin higher: {@link #fitting(long)} returns 68, whose every gap
 * is at least 1024 bytes. This is "good fit": O(1) with a bitmap and never a wasted look at a gap that
 * is too small; the single partial bin is scanned only before giving up.
 *
 * <p>Invariants: {@code bin} is monotonic in size; {@code lowerBound(bin(s)) <= s < lowerBound(bin(s)+1)};
 * {@code lowerBound(fitting(s)) >= s}.
 */
final class Bins {
    /** The number of single-size bins: sizes 32 .. 504. */
    static final int LINEAR_BINS = 60;
    /** The smallest size in the logarithmic bins, whose bins hold more than one size. */
    static final long LINEAR_LIMIT = 512;
    /** Every bin a 63-bit size can map to. */
    static final int COUNT = bin(Long.MAX_VALUE & Tag.ADDRESS_MASK) + 1;

    private Bins() {}

    /**
     * The bin of a gap of {@code size} bytes (kept under 35 bytecodes so the JIT always inlines it).
     *
     * @param size a multiple of 8, at least {@link Tag#MIN_CHUNK}
     */
    static int bin(long size) {
        if (size < 512) {
            return (int) (size >>> 3) - 4;
        }
        int e = 63 - Long.numberOfLeadingZeros(size);
        return (e << 3) - 20 + (int) (size >>> (e - 3));
    }

    /**
     * The first bin whose every gap holds at least {@code size} bytes.
     *
     * @param size a multiple of 8, at least {@link Tag#MIN_CHUNK}
     */
    static int fitting(long size) {
        // Bin bounds are multiples of 8: size - 8 lies in bin(size) exactly when size is not that bin's
        // lower bound, in which case the bin is only partly fitting and the search must start above it.
        return bin(size - Tag.WORD) + 1;
    }

    /** The smallest size in {@code bin} (sizes below it belong to lower bins). */
    static long lowerBound(int bin) {
        if (bin < LINEAR_BINS) {
            return (bin + 4L) << 3;
        }
        int e = 9 + ((bin - LINEAR_BINS) >>> 3);
        long top4 = 8 + ((bin - LINEAR_BINS) & 7);
        return top4 << (e - 3);
    }
}

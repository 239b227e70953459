package dev.talc;

/**
 * Size classes ("bins") of gaps: which bin a gap of a given size lives in, and where a search starts.
 *
 * <h2>Design note</h2>
 * Chunk sizes are multiples of 8 bytes, at least {@link Tag#MIN_CHUNK}. Let {@code u = size / 8}.
 * Small sizes get one bin each (exact fit, the common case for small objects); from 512 bytes on,
 * every power of two is split into 8 equal bins, so a bin's sizes differ by less than 12.5%.
 *
 * <pre>
 *   u in [3, 64)           bin = u - 3                                  bins 0 .. 60   (24 .. 504 B)
 *   u >= 64, e = log2(u)    bin = 61 + 8 (e - 6) + ((u >> (e - 3)) &amp; 7)   bins 61 .. 492
 * </pre>
 *
 * Worked example: a 1000-byte chunk has {@code u = 125}, {@code e = 6}, {@code (125 >> 3) & 7 = 7},
 * so bin 61 + 0 + 7 = 68, which holds sizes [960, 1024). A request for exactly 1000 bytes may not fit
 * a gap from bin 68 (960 would not do), so the search starts one bin higher: {@link #fitting(long)}
 * returns 69, whose every gap is at least 1024 bytes. This is "good fit": O(1) with a bitmap and never
 * a wasted look at a gap that is too small; the single partial bin is scanned only before giving up.
 *
 * <p>Invariants: {@code bin} is monotonic in size; {@code lowerBound(bin(s)) <= s < lowerBound(bin(s)+1)};
 * {@code lowerBound(fitting(s)) >= s}.
 */
final class Bins {
    /** Sizes below this many words get one bin each. */
    private static final int LINEAR_WORDS = 64;
    /** The number of single-size bins. */
    static final int LINEAR_BINS = LINEAR_WORDS - 3;
    /** log2 of the number of bins per power of two above the linear range. */
    private static final int SUB_BITS = 3;
    /** Every bin a 63-bit size can map to. */
    static final int COUNT = bin(Long.MAX_VALUE & Tag.ADDRESS_MASK) + 1;

    private Bins() {}

    /**
     * The bin of a gap of {@code size} bytes.
     *
     * @param size a multiple of 8, at least {@link Tag#MIN_CHUNK}
     */
    static int bin(long size) {
        long u = size >>> 3;
        if (u < LINEAR_WORDS) {
            return (int) u - 3;
        }
        int e = 63 - Long.numberOfLeadingZeros(u);
        return LINEAR_BINS + ((e - 6) << SUB_BITS) + (int) ((u >>> (e - SUB_BITS)) & ((1 << SUB_BITS) - 1));
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
            return (bin + 3L) << 3;
        }
        int e = 6 + ((bin - LINEAR_BINS) >>> SUB_BITS);
        long sub = (bin - LINEAR_BINS) & ((1 << SUB_BITS) - 1);
        return ((1L << e) + (sub << (e - SUB_BITS))) << 3;
    }
}

package dev.talc;

/**
 * Size classes ("bins") of gaps: which bin a gap of a given size lives in, and where a search starts.
 *
 * <h2>Design note</h2>
 * Chunk sizes are multiples of {@link Tag#GRANULE} (16 bytes). Small sizes get one bin each (exact fit,
 * the common case for small objects); from 1 KiB on, every power of two is split into 8 equal bins, so
 * a bin's sizes differ by less than 12.5%.
 *
 * <pre>
 *   size in [16, 1024)              bin = size / 16 - 1                          bins 0 .. 62
 *   size >= 1024, e = log2(size)    bin = 8 e - 25 + (size >> (e - 3))           bins 63 .. 486
 *                                       = 63 + 8 (e - 10) + (3 bits below the top bit)
 * </pre>
 *
 * Worked example: a 2000-byte gap has {@code e = 10}, {@code 2000 >> 7 = 15}, so bin 80 - 25 + 15 = 70,
 * which holds sizes [1920, 2048). A request for a 2000-byte chunk may not fit a gap from bin 70 (1920
 * would not do), so the search starts one bin higher: {@link #fitting(long)} returns 71, whose every
 * gap is at least 2048 bytes. This is "good fit": O(1) with a bitmap and never a wasted look at a gap
 * that is too small; the partly fitting bin is searched (in Java arrays, see {@link Gaps}) for a best
 * fit first.
 *
 * <p>Invariants: {@code bin} is monotonic in size; {@code lowerBound(bin(s)) <= s < lowerBound(bin(s)+1)};
 * {@code lowerBound(fitting(s)) >= s}; bins below {@link #LINEAR_BINS} hold exactly one size.
 */
final class Bins {
    /** The number of single-size bins: sizes 16 .. 1008. */
    static final int LINEAR_BINS = 63;
    /** The smallest size in the logarithmic bins, whose bins hold more than one size. */
    static final long LINEAR_LIMIT = 1024;
    /** Every bin a 63-bit size can map to. */
    static final int COUNT = bin(Long.MAX_VALUE & -Tag.GRANULE) + 1;

    private Bins() {}

    /**
     * The bin of a gap of {@code size} bytes (kept under 35 bytecodes so the JIT always inlines it).
     *
     * @param size a multiple of 16, at least {@link Tag#MIN_GAP}
     */
    static int bin(long size) {
        if (size < LINEAR_LIMIT) {
            return (int) (size >>> 4) - 1;
        }
        int e = 63 - Long.numberOfLeadingZeros(size);
        return (e << 3) - 25 + (int) (size >>> (e - 3));
    }

    /**
     * The first bin whose every gap holds at least {@code size} bytes.
     *
     * @param size a multiple of 16, at least {@link Tag#MIN_CHUNK}
     */
    static int fitting(long size) {
        // Bin bounds are multiples of 16: size - 16 lies in bin(size) exactly when size is not that bin's
        // lower bound, in which case the bin is only partly fitting and the search must start above it.
        return bin(size - Tag.GRANULE) + 1;
    }

    /** The smallest size in {@code bin} (sizes below it belong to lower bins). */
    static long lowerBound(int bin) {
        if (bin < LINEAR_BINS) {
            return (bin + 1L) << 4;
        }
        int e = 10 + ((bin - LINEAR_BINS) >>> 3);
        long top4 = 8 + ((bin - LINEAR_BINS) & 7);
        return top4 << (e - 3);
    }
}

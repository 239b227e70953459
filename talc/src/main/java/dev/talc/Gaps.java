package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.talc.Tag.NEXT_OFFSET;
import static dev.talc.Tag.NIL;
import static dev.talc.Tag.PREV_OFFSET;
import static dev.talc.Tag.SIZE_OFFSET;
import static dev.talc.Tag.WORD;

/**
 * The free gaps of every heap, sorted into {@link Bins bins} of doubly-linked lists, with a bitmap of
 * the non-empty bins.
 *
 * <h2>Design note</h2>
 * The list nodes live inside the gaps themselves (see {@link Tag} for the layout), so the lists cost
 * no Java memory and no garbage; only the bin heads and the bitmaps are Java arrays. Insertion and
 * removal are O(1) (LIFO at the head, which keeps recently freed, cache-warm memory in use). Finding
 * the first non-empty bin at or above a given one takes at most two {@code numberOfTrailingZeros}:
 *
 * <pre>
 *   summary   bit w set ⇔ bitmap[w] != 0                    (one long: up to 64 × 64 bins)
 *   bitmap[w] bit i set ⇔ heads[64 w + i] != NIL
 * </pre>
 *
 * Invariants: {@code heads[b] != NIL ⇔ bitmap bit b}; every gap in list b has {@code Bins.bin(size) == b};
 * a head's PREV is NIL; for consecutive gaps x, y in a list, {@code x.NEXT == y && y.PREV == x};
 * {@code count} equals the number of gaps in all lists.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class Gaps {
    private static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment memory;
    private final long[] heads = new long[Bins.COUNT];
    private final long[] bitmap = new long[(Bins.COUNT + 63) >>> 6];
    private long summary;
    private long count;

    Gaps(MemorySegment memory) {
        this.memory = memory;
    }

    /** Links a gap {@code [base, base + size)} at the head of its bin and writes its SIZE words. */
    void insert(long base, long size) {
        int bin = Bins.bin(size);
        long head = heads[bin];
        memory.set(WORD_LAYOUT, base + NEXT_OFFSET, head);
        memory.set(WORD_LAYOUT, base + PREV_OFFSET, NIL);
        memory.set(WORD_LAYOUT, base + SIZE_OFFSET, size);
        memory.set(WORD_LAYOUT, base + size - WORD, size);
        if (head != NIL) {
            memory.set(WORD_LAYOUT, head + PREV_OFFSET, base);
        } else {
            bitmap[bin >>> 6] |= 1L << bin;
            summary |= 1L << (bin >>> 6);
        }
        heads[bin] = base;
        count++;
    }

    /** Unlinks the gap at {@code base} whose size is {@code size}. */
    void remove(long base, long size) {
        long next = memory.get(WORD_LAYOUT, base + NEXT_OFFSET);
        long prev = memory.get(WORD_LAYOUT, base + PREV_OFFSET);
        if (prev != NIL) {
            memory.set(WORD_LAYOUT, prev + NEXT_OFFSET, next);
        } else {
            int bin = Bins.bin(size);
            heads[bin] = next;
            if (next == NIL) {
                clearBit(bin);
            }
        }
        if (next != NIL) {
            memory.set(WORD_LAYOUT, next + PREV_OFFSET, prev);
        }
        count--;
    }

    /** Unlinks and returns the head of the non-empty {@code bin}. */
    long pop(int bin) {
        long base = heads[bin];
        long next = memory.get(WORD_LAYOUT, base + NEXT_OFFSET);
        heads[bin] = next;
        if (next != NIL) {
            memory.set(WORD_LAYOUT, next + PREV_OFFSET, NIL);
        } else {
            clearBit(bin);
        }
        count--;
        return base;
    }

    /** The first non-empty bin at or above {@code bin}, or -1 if there is none. */
    int firstAtOrAbove(int bin) {
        int w = bin >>> 6;
        long bits = bitmap[w] & (-1L << bin);
        if (bits != 0) {
            return (w << 6) + Long.numberOfTrailingZeros(bits);
        }
        long words = summary & (-2L << w);
        if (words == 0) {
            return -1;
        }
        w = Long.numberOfTrailingZeros(words);
        return (w << 6) + Long.numberOfTrailingZeros(bitmap[w]);
    }

    /** The first non-empty bin at or above {@code bin} (which may lie beyond the last bin), or -1. */
    int firstFrom(int bin) {
        return bin < Bins.COUNT ? firstAtOrAbove(bin) : -1;
    }

    private void clearBit(int bin) {
        int w = bin >>> 6;
        long bits = bitmap[w] & ~(1L << bin);
        bitmap[w] = bits;
        if (bits == 0) {
            summary &= ~(1L << w);
        }
    }

    // ---- cold: searches, statistics and verification --------------------------------------------

    /** The head gap of {@code bin}, or NIL. */
    long head(int bin) {
        return heads[bin];
    }

    /** The gap after {@code base} in its bin, or NIL. */
    long next(long base) {
        return memory.get(WORD_LAYOUT, base + NEXT_OFFSET);
    }

    /** The gap before {@code base} in its bin, or NIL for a head. */
    long prev(long base) {
        return memory.get(WORD_LAYOUT, base + PREV_OFFSET);
    }

    /** The size recorded at a gap's base. */
    long sizeAt(long base) {
        return memory.get(WORD_LAYOUT, base + SIZE_OFFSET);
    }

    /** Whether the bitmaps say {@code bin} is non-empty. */
    boolean bitSet(int bin) {
        return (bitmap[bin >>> 6] & (1L << bin)) != 0;
    }

    /** Whether the summary word is exactly the set of non-zero bitmap words. */
    boolean summaryConsistent() {
        long expected = 0;
        for (int w = 0; w < bitmap.length; w++) {
            if (bitmap[w] != 0) {
                expected |= 1L << w;
            }
        }
        return expected == summary;
    }

    /** The number of gaps in all bins. */
    long count() {
        return count;
    }

    /** The size of the largest gap (scans the highest non-empty bin), or 0. */
    long largest() {
        for (int w = bitmap.length - 1; w >= 0; w--) {
            if (bitmap[w] != 0) {
                int bin = (w << 6) + 63 - Long.numberOfLeadingZeros(bitmap[w]);
                long max = 0;
                for (long g = heads[bin]; g != NIL; g = next(g)) {
                    max = Math.max(max, sizeAt(g));
                }
                return max;
            }
        }
        return 0;
    }
}

package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.talc.Tag.HIGH_SIZE_FROM_ACME;
import static dev.talc.Tag.LOW_SIZE_OFFSET;
import static dev.talc.Tag.NEXT_FROM_ACME;
import static dev.talc.Tag.NIL;
import static dev.talc.Tag.PREV_FROM_ACME;

/**
 * The free gaps of every heap, sorted into {@link Bins bins} of doubly-linked lists, with a bitmap of
 * the non-empty bins.
 *
 * <h2>Design note</h2>
 * The list nodes live inside the gaps themselves, at their top (see {@link Tag} for the layout), so the
 * lists cost no Java memory and no garbage; only the bin heads and the bitmaps are Java arrays. A gap
 * is identified by its <em>acme</em>: heads and links hold acmes. Because the node sits at the top, a
 * gap that loses or gains memory at its bottom keeps its node, and within one bin only its two SIZE
 * words change ({@link #replace}). That is the common case: blocks are carved from the bottom of gaps,
 * grow in place into the gap above them, and freed blocks merge into the gap above them.
 *
 * <p>Insertion and removal are O(1) (LIFO at the head, which keeps recently freed, cache-warm memory in
 * use). Finding the first non-empty bin at or above a given one takes at most two
 * {@code numberOfTrailingZeros}:
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
 * <p>The gaps live in the owner's memory, passed to every method that touches it: one segment reference
 * per compiled method lets the JIT share its bounds and liveness checks across all accesses.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class Gaps {
    private static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private final long[] heads = new long[Bins.COUNT];
    private final long[] bitmap = new long[(Bins.COUNT + 63) >>> 6];
    private long summary;
    private long count;

    /** Makes {@code [base, base + size)} a gap at the head of its bin: writes its SIZE words and node. */
    void insert(MemorySegment memory, long base, long size) {
        long acme = base + size;
        int bin = Bins.bin(size);
        long head = heads[bin];
        memory.set(WORD_LAYOUT, base + LOW_SIZE_OFFSET, size);
        memory.set(WORD_LAYOUT, acme + NEXT_FROM_ACME, head);
        memory.set(WORD_LAYOUT, acme + PREV_FROM_ACME, NIL);
        memory.set(WORD_LAYOUT, acme + HIGH_SIZE_FROM_ACME, size);
        if (head != NIL) {
            memory.set(WORD_LAYOUT, head + PREV_FROM_ACME, acme);
        } else {
            bitmap[bin >>> 6] |= 1L << bin;
            summary |= 1L << (bin >>> 6);
        }
        heads[bin] = acme;
        count++;
    }

    /** Unlinks the gap {@code [base, base + size)}. */
    void remove(MemorySegment memory, long base, long size) {
        unlink(memory, Bins.bin(size), base + size);
    }

    /** Unlinks the gap ending at {@code acme} from the list of {@code bin}. */
    private void unlink(MemorySegment memory, int bin, long acme) {
        long next = memory.get(WORD_LAYOUT, acme + NEXT_FROM_ACME);
        long prev = memory.get(WORD_LAYOUT, acme + PREV_FROM_ACME);
        if (prev != NIL) {
            memory.set(WORD_LAYOUT, prev + NEXT_FROM_ACME, next);
        } else {
            heads[bin] = next;
            if (next == NIL) {
                clearBit(bin);
            }
        }
        if (next != NIL) {
            memory.set(WORD_LAYOUT, next + PREV_FROM_ACME, prev);
        }
        count--;
    }

    /**
     * Turns the gap {@code [oldBase, oldBase + oldSize)} into {@code [newBase, newBase + newSize)}, which
     * overlaps it. Same acme and same bin: only the SIZE words change. Same bin, other acme: the node is
     * rewritten at the new top and relinked in place. Other bin: unlink and insert.
     */
    void replace(MemorySegment memory, long oldBase, long oldSize, long newBase, long newSize) {
        int bin = Bins.bin(oldSize);
        long oldAcme = oldBase + oldSize;
        long newAcme = newBase + newSize;
        if (bin != Bins.bin(newSize)) {
            unlink(memory, bin, oldAcme);
            insert(memory, newBase, newSize);
            return;
        }
        if (newAcme != oldAcme) {
            relink(memory, bin, oldAcme, newAcme);
        }
        memory.set(WORD_LAYOUT, newBase + LOW_SIZE_OFFSET, newSize);
        memory.set(WORD_LAYOUT, newAcme + HIGH_SIZE_FROM_ACME, newSize);
    }

    /** Moves the node of the gap ending at {@code oldAcme} to {@code newAcme}, keeping its list position. */
    private void relink(MemorySegment memory, int bin, long oldAcme, long newAcme) {
        long next = memory.get(WORD_LAYOUT, oldAcme + NEXT_FROM_ACME);
        long prev = memory.get(WORD_LAYOUT, oldAcme + PREV_FROM_ACME);
        memory.set(WORD_LAYOUT, newAcme + NEXT_FROM_ACME, next);
        memory.set(WORD_LAYOUT, newAcme + PREV_FROM_ACME, prev);
        if (prev != NIL) {
            memory.set(WORD_LAYOUT, prev + NEXT_FROM_ACME, newAcme);
        } else {
            heads[bin] = newAcme;
        }
        if (next != NIL) {
            memory.set(WORD_LAYOUT, next + PREV_FROM_ACME, newAcme);
        }
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

    /** The acme of the head gap of {@code bin}, or NIL. */
    long head(int bin) {
        return heads[bin];
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

    /** The acme of the gap after the one ending at {@code acme} in its bin, or NIL. */
    long next(MemorySegment memory, long acme) {
        return memory.get(WORD_LAYOUT, acme + NEXT_FROM_ACME);
    }

    /** The acme of the gap before the one ending at {@code acme} in its bin, or NIL for a head. */
    long prev(MemorySegment memory, long acme) {
        return memory.get(WORD_LAYOUT, acme + PREV_FROM_ACME);
    }

    /** The size recorded at the top of the gap ending at {@code acme}. */
    long sizeBelow(MemorySegment memory, long acme) {
        return memory.get(WORD_LAYOUT, acme + HIGH_SIZE_FROM_ACME);
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
    long largest(MemorySegment memory) {
        for (int w = bitmap.length - 1; w >= 0; w--) {
            if (bitmap[w] != 0) {
                int bin = (w << 6) + 63 - Long.numberOfLeadingZeros(bitmap[w]);
                long max = 0;
                for (long acme = heads[bin]; acme != NIL; acme = next(memory, acme)) {
                    max = Math.max(max, sizeBelow(memory, acme));
                }
                return max;
            }
        }
        return 0;
    }
}

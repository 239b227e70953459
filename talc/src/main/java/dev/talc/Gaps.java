package dev.talc;

import java.util.Arrays;

/**
 * The free gaps of every heap: a record per gap in a Java array, sorted into {@link Bins bins} of
 * doubly-linked lists, with a bitmap of the non-empty bins.
 *
 * <h2>Design note</h2>
 * A gap's bounds and list links live in {@link #records}, four longs per gap, indexed by the gap's
 * <em>id</em>; in the allocator's memory a gap holds only its gap word ({@link Tag#gapWord}) at both
 * ends, so that its neighbours can find its id in O(1). This class touches no memory at all: its callers
 * write the gap words that move (first, so that a fault in the memory leaves these records as they were,
 * see {@link Talc}) and then tell it the gap's new bounds. Linking into a list touches only Java arrays,
 * never the memory of the neighbouring gaps, and the search for a best fit reads sizes from the records.
 * Alternatives: list nodes inside the gaps (Rust Talc; each link update writes the neighbours' lines of
 * memory through bounds-checked accesses, and a best-fit look at a gap is a cache miss); a size-ordered
 * tree (O(log n) per operation for an exact best fit).
 *
 * <pre>
 *   records[4 id + 0..3]  base, size, next id, prev id        (id 0 = none; freed ids chain through next)
 *   summary    bit w set ⇔ bitmap[w] != 0                      (one long: up to 64 × 64 bins)
 *   bitmap[w]  bit i set ⇔ heads[64 w + i] != 0
 * </pre>
 *
 * Invariants: {@code heads[b] != 0 ⇔ bitmap bit b}; every gap in list b has {@code Bins.bin(size) == b};
 * a head's prev is 0; for consecutive gaps x, y in a list, {@code x.next == y && y.prev == x};
 * {@code count} equals the number of gaps in all lists. (That the words at {@code base} and
 * {@code base + size - 8} of each listed gap are its gap word is the allocator's to keep.)
 *
 * <p><b>The victim</b> (dlmalloc's "designated victim", glibc's "last remainder"): what remains of the last
 * gap split for a small request is kept out of the bins, and the next small requests that find no gap of
 * their exact size are carved from it. So a run of small allocations takes consecutive memory (which the
 * program then uses together, while it is in the cache), and a split changes the victim's record only,
 * never a list: without it, every split of a small gap moved the rest to a lower bin (unlink and link).
 * The victim is still a gap in every other way (its words, its record, the neighbours that merge with it);
 * only the bins do not see it, so large requests and the search before failing put it back first. Which gap
 * may be the victim is the allocator's rule (at most 16 KiB, never a heap's top gap: see
 * {@code Chunks.mayBeVictim}).
 *
 * <p>Time complexity: O(1) for every operation but {@link #largest} (one bin). Java memory: 32 bytes
 * per gap at the most gaps there ever were, in one array that doubles when full.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class Gaps {
    private static final int BASE = 0;
    private static final int SIZE = 1;
    private static final int NEXT = 2;
    private static final int PREV = 3;

    private long[] records = new long[4 * 64];
    private final int[] heads = new int[Bins.COUNT];
    private final long[] bitmap = new long[(Bins.COUNT + 63) >>> 6];
    private long summary;
    private int count;
    /** The victim: a gap kept out of the bins, which small requests split first (see below); 0 if none. */
    private int victim;
    /** Ids handed out so far are 1 .. usedIds; freed ones chain from freeId through NEXT. */
    private int usedIds;
    private int freeId;

    // ---- records ---------------------------------------------------------------------------------

    long base(int id) {
        return records[4 * id + BASE];
    }

    long size(int id) {
        return records[4 * id + SIZE];
    }

    /** The id after {@code id} in its bin's list, or 0. */
    int next(int id) {
        return (int) records[4 * id + NEXT];
    }

    /** The id before {@code id} in its bin's list, or 0 for a head. */
    int prev(int id) {
        return (int) records[4 * id + PREV];
    }

    /** Whether {@code id} is a listed gap (or the victim) that starts at {@code base}; any int may be asked. */
    boolean startsAt(int id, long base) {
        return id > 0 && id <= usedIds && records[4 * id + BASE] == base;
    }

    /** The id of the head gap of {@code bin}, or 0. */
    int head(int bin) {
        return heads[bin];
    }

    // ---- changes ---------------------------------------------------------------------------------

    /**
     * The id the next {@link #add} takes. Nothing changes (the record array may grow), so a caller can write
     * the gap's words into memory under this id first, and commit only once they are written.
     */
    int nextId() {
        return freeId != 0 ? freeId : fresh(usedIds + 1);
    }

    /** The id the {@link #add} after the next one takes (for an operation that adds two gaps). */
    int nextIdAfterNext() {
        if (freeId != 0) {
            int second = (int) records[4 * freeId + NEXT];
            return second != 0 ? second : fresh(usedIds + 1);
        }
        return fresh(usedIds + 2);
    }

    /** {@code id}, a never used id, once the record array can hold it. */
    private int fresh(int id) {
        if (4L * id + 4 > records.length) {
            if (id >= (Integer.MAX_VALUE >> 3)) {
                throw new IllegalStateException("too many gaps: gapCount=" + count);
            }
            records = Arrays.copyOf(records, records.length * 2);
        }
        return id;
    }

    /** Lists {@code [base, base + size)} as gap {@code id}, which must be {@link #nextId()}, at the head of its bin. */
    void add(int id, long base, long size) {
        if (id == freeId) {
            freeId = (int) records[4 * id + NEXT];
        } else {
            usedIds++;
        }
        records[4 * id + BASE] = base;
        records[4 * id + SIZE] = size;
        link(id, Bins.bin(size));
        count++;
    }

    /** Unlinks gap {@code id} (or stops it being the victim) and frees its id. */
    void remove(int id) {
        if (id == victim) {
            victim = 0;
        } else {
            unlink(id, Bins.bin(records[4 * id + SIZE]));
        }
        records[4 * id + BASE] = -1; // a freed id starts no gap: see startsAt
        records[4 * id + NEXT] = freeId;
        freeId = id;
        count--;
    }

    /** Moves the bounds of gap {@code id} to {@code [newBase, newBase + newSize)}, changing bins if need be. */
    void reshape(int id, long newBase, long newSize) {
        if (id != victim) {
            int oldBin = Bins.bin(records[4 * id + SIZE]);
            int newBin = Bins.bin(newSize);
            if (oldBin != newBin) {
                unlink(id, oldBin);
                link(id, newBin);
            }
        }
        records[4 * id + BASE] = newBase;
        records[4 * id + SIZE] = newSize;
    }

    /** The victim's id, or 0. */
    int victim() {
        return victim;
    }

    /** Makes listed gap {@code id} the victim, putting the former victim back in its bin. */
    void makeVictim(int id) {
        unlink(id, Bins.bin(records[4 * id + SIZE]));
        relistVictim();
        victim = id;
    }

    /** Puts the victim, if any, back in its bin: every gap is then listed. */
    void relistVictim() {
        if (victim != 0) {
            link(victim, Bins.bin(records[4 * victim + SIZE]));
            victim = 0;
        }
    }

    private void link(int id, int bin) {
        int head = heads[bin];
        records[4 * id + NEXT] = head;
        records[4 * id + PREV] = 0;
        if (head != 0) {
            records[4 * head + PREV] = id;
        } else {
            bitmap[bin >>> 6] |= 1L << bin;
            summary |= 1L << (bin >>> 6);
        }
        heads[bin] = id;
    }

    private void unlink(int id, int bin) {
        int next = (int) records[4 * id + NEXT];
        int prev = (int) records[4 * id + PREV];
        if (prev != 0) {
            records[4 * prev + NEXT] = next;
        } else {
            heads[bin] = next;
            if (next == 0) {
                long bits = bitmap[bin >>> 6] & ~(1L << bin);
                bitmap[bin >>> 6] = bits;
                if (bits == 0) {
                    summary &= ~(1L << (bin >>> 6));
                }
            }
        }
        if (next != 0) {
            records[4 * next + PREV] = prev;
        }
    }

    // ---- search ----------------------------------------------------------------------------------

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

    // ---- cold: statistics and verification -------------------------------------------------------

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

    /** The highest id ever handed out (ids of listed gaps are in 1 .. this). */
    int usedIds() {
        return usedIds;
    }

    /** The size of the largest gap (scans the highest non-empty bin, and looks at the victim), or 0. */
    long largest() {
        long max = victim != 0 ? size(victim) : 0;
        for (int w = bitmap.length - 1; w >= 0; w--) {
            if (bitmap[w] != 0) {
                int bin = (w << 6) + 63 - Long.numberOfLeadingZeros(bitmap[w]);
                for (int id = heads[bin]; id != 0; id = next(id)) {
                    max = Math.max(max, size(id));
                }
                return max;
            }
        }
        return max;
    }
}

package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.talc.Tag.NIL;
import static dev.talc.Tag.WORD;

/**
 * Exact-size LIFO lists of freed small chunks that have not been merged into gaps yet: a front cache
 * that makes the common small free and allocate cost a few memory accesses instead of a bin search,
 * a split and a coalesce.
 *
 * <h2>Design note</h2>
 * A freed chunk of at most {@link #LIMIT} bytes whose neighbours are both allocated (so it would not
 * merge with anything now) goes, while its list holds fewer than {@link #CAP} chunks, onto the list of
 * its exact size, linked through its first word; its tag keeps
 * {@link Tag#ALLOCATED} and gains {@link Tag#CACHED}, so neighbours treat it as allocated (no merge)
 * while any free of it is rejected as a double free. An allocation whose chunk size has a non-empty
 * list pops it. Cached chunks are free memory: counted as available, never as live.
 *
 * <pre>
 *   heads[size / 8] → chunk → chunk → NIL        (NEXT in the chunk's first word)
 *   counts[size / 8] ≤ CAP                        Σ sizes = bytes
 * </pre>
 *
 * Memory is never stranded here: before an allocation can fail, and before any heap is truncated or
 * measured, {@link Talc} flushes every list, merging each chunk with its free neighbours as an ordinary
 * free would. The cap bounds what the cache can hold to {@code CAP × Σ sizes ≤ 16 × 65 KiB ≈ 1 MiB}.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class QuickBins {
    /** The largest chunk the cache keeps. */
    static final long LIMIT = 1024;
    /** The most chunks one list keeps. */
    static final int CAP = 16;

    private static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private final long[] heads = new long[(int) (LIMIT / WORD) + 1];
    private final int[] counts = new int[heads.length];
    private long bytes;
    private long count;

    /** The first cached chunk of exactly {@code chunk} bytes (at most {@link #LIMIT}), or NIL. */
    long head(long chunk) {
        return heads[(int) (chunk >>> 3)];
    }

    /** Unlinks the head of the list of {@code chunk}-byte chunks, which must be {@code base}. */
    void pop(MemorySegment memory, long chunk, long base) {
        int index = (int) (chunk >>> 3);
        heads[index] = memory.get(WORD_LAYOUT, base);
        counts[index]--;
        bytes -= chunk;
        count--;
    }

    /** Pushes the chunk {@code [base, base + chunk)} if its size is cacheable and its list not full. */
    boolean offer(MemorySegment memory, long base, long chunk) {
        if (chunk > LIMIT) {
            return false;
        }
        int index = (int) (chunk >>> 3);
        if (counts[index] >= CAP) {
            return false;
        }
        memory.set(WORD_LAYOUT, base, heads[index]);
        heads[index] = base;
        counts[index]++;
        bytes += chunk;
        count++;
        return true;
    }

    /** Bytes in cached chunks. */
    long bytes() {
        return bytes;
    }

    /** Cached chunks. */
    long count() {
        return count;
    }

    /** Whether any chunk is cached. */
    boolean isEmpty() {
        return count == 0;
    }

    // ---- cold: flushing and verification ---------------------------------------------------------

    /** The size of the chunks in list {@code index}, for iteration over all lists. */
    static long sizeOfList(int index) {
        return (long) index << 3;
    }

    /** The number of lists (some indices are never used: sizes below the minimum chunk). */
    int lists() {
        return heads.length;
    }

    /** The head of list {@code index}. */
    long headOfList(int index) {
        return heads[index];
    }

    /** The recorded length of list {@code index}. */
    int countOfList(int index) {
        return counts[index];
    }

    /** The chunk after {@code base} in its list. */
    long next(MemorySegment memory, long base) {
        return memory.get(WORD_LAYOUT, base);
    }

    /** Empties list {@code index}, returning its former head (the chain stays linked through NEXT). */
    long take(int index) {
        long head = heads[index];
        bytes -= (long) counts[index] * sizeOfList(index);
        count -= counts[index];
        heads[index] = NIL;
        counts[index] = 0;
        return head;
    }
}

package dev.talc;

/**
 * Exact-size LIFO stacks of freed small chunks that have not been merged into gaps yet: a front cache
 * that makes the common small free and allocate cost a read and a write of the chunk's tag instead of a
 * bin search, a split and a coalesce.
 *
 * <h2>Design note</h2>
 * A freed chunk of at most {@link #LIMIT} bytes goes, while its stack holds fewer than {@link #CAP}
 * chunks, onto the stack of its exact size; its tag keeps {@link Tag#ALLOCATED} and gains
 * {@link Tag#CACHED}, so neighbours treat it as allocated (no merge) while any free of it is rejected as
 * a double free. An allocation of alignment ≤ 16 whose chunk size has a non-empty stack pops it (every
 * chunk is 16-aligned, so any cached chunk serves). Cached chunks are free memory: counted as available,
 * never as live.
 *
 * <pre>
 *   stacks[CAP · (size / 16) + i], i &lt; depths[size / 16]     chunk bases, the top one the most recently freed
 * </pre>
 *
 * The stacks are Java arrays, so pushing and popping touch no memory of the allocator (the alternative,
 * a list linked through the chunks' first words as in Rust Talc's and glibc's caches, costs one more
 * bounds-checked access per operation, to a line the caller's data may not share). Memory is never
 * stranded here: before an allocation can fail, and before any heap is truncated or measured,
 * {@link Talc} flushes every stack, merging each chunk with its free neighbours as an ordinary free
 * would. The cap bounds what the cache can hold to {@code CAP × Σ sizes ≤ 16 × 33 KiB ≈ 528 KiB}.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class QuickBins {
    /** The largest chunk the cache keeps. */
    static final long LIMIT = 1024;
    /** The most chunks one stack keeps. */
    static final int CAP = 16;
    private static final int CLASSES = (int) (LIMIT >>> 4) + 1;

    private final long[] stacks = new long[CLASSES * CAP];
    private final int[] depths = new int[CLASSES];

    /** The most recently cached chunk of exactly {@code chunk} bytes (at most {@link #LIMIT}), or -1. */
    long peek(long chunk) {
        int list = (int) (chunk >>> 4);
        int depth = depths[list] - 1;
        return depth < 0 ? -1 : stacks[list * CAP + depth];
    }

    /** Removes the chunk {@link #peek} returned from its stack. */
    void drop(long chunk) {
        depths[(int) (chunk >>> 4)]--;
    }

    /** Pushes the chunk at {@code base} of {@code chunk} bytes (at most {@link #LIMIT}) unless its stack is full. */
    boolean push(long base, long chunk) {
        int list = (int) (chunk >>> 4);
        int depth = depths[list];
        if (depth >= CAP) {
            return false;
        }
        stacks[list * CAP + depth] = base;
        depths[list] = depth + 1;
        return true;
    }

    // ---- cold: flushing, statistics and verification ---------------------------------------------

    /** The number of stacks (some are never used: sizes below the minimum chunk). */
    int lists() {
        return CLASSES;
    }

    /** The size of the chunks in stack {@code list}. */
    static long sizeOfList(int list) {
        return (long) list << 4;
    }

    /** The number of chunks in stack {@code list}. */
    int depth(int list) {
        return depths[list];
    }

    /** Chunk {@code i} (0 = the bottom) of stack {@code list}. */
    long chunk(int list, int i) {
        return stacks[list * CAP + i];
    }

    /** Empties stack {@code list}; its chunks stay readable through {@link #chunk} until the next push. */
    void clear(int list) {
        depths[list] = 0;
    }

    /** Bytes in cached chunks. */
    long bytes() {
        long bytes = 0;
        for (int list = 0; list < CLASSES; list++) {
            bytes += depths[list] * sizeOfList(list);
        }
        return bytes;
    }

    /** Cached chunks. */
    long count() {
        long count = 0;
        for (int depth : depths) {
            count += depth;
        }
        return count;
    }

    /** Whether any chunk is cached. */
    boolean isEmpty() {
        return count() == 0;
    }
}

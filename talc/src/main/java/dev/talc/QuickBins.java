package dev.talc;

/**
 * Exact-size LIFO stacks of freed small chunks that have not been merged into gaps yet: a front cache
 * that makes the common small free and allocate cost a read and a write of the chunk's tag instead of a
 * bin search, a split and a coalesce.
 *
 * <h2>Design note</h2>
 * A freed chunk of at most {@link #LIMIT} bytes goes onto the stack of its exact size while that stack
 * holds fewer than {@link #CAP} chunks and all stacks together fewer than {@link #BUDGET} bytes; its tag
 * keeps {@link Tag#ALLOCATED} and gains {@link Tag#CACHED}, so neighbours treat it as allocated (no
 * merge) while any free of it is rejected as a double free. An allocation of alignment ≤ 16 whose chunk
 * size has a non-empty stack pops it (every chunk is 16-aligned, so any cached chunk serves); one of a
 * larger alignment takes the most recently cached chunk of its size that sits at an address of that
 * alignment, if the stack holds one (a look at up to {@link #CAP} longs). Cached chunks are free memory:
 * counted as available, never as live.
 *
 * <pre>
 *   stacks[CAP · (size / 16) + i], i &lt; depths[size / 16]     chunk bases, the top one the most recently freed
 * </pre>
 *
 * The stacks are Java arrays, so pushing and popping touch no memory of the allocator (the alternative,
 * a list linked through the chunks' first words as in Rust Talc's and glibc's caches, costs one more
 * bounds-checked access per operation). Any small chunk is admitted, whatever its neighbours: caching
 * only chunks between two allocated ones (this class's first rule) sent a third to a half of the frees of
 * real programs' traces down the merging path and their allocations to a split. What that rule guarded
 * against, chunks that sit beside a gap and keep it from growing until a flush, the byte budget bounds
 * instead (see docs/PERFORMANCE.md for the measurements). Memory is never stranded here: before an
 * allocation can fail, and before any heap is truncated or measured, {@link Talc} flushes every stack,
 * merging each chunk with its free neighbours as an ordinary free would.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class QuickBins {
    /** The largest chunk the cache keeps. */
    static final long LIMIT = 1024;
    /** The most chunks one stack keeps. */
    static final int CAP = 16;
    /**
     * The most bytes all stacks together keep: chunks cached beside a gap keep it from growing, which cost
     * the heap-efficiency benchmark 0.4 points without this bound (see the design note).
     */
    static final long BUDGET = 128 << 10;
    private static final int CLASSES = (int) (LIMIT >>> 4) + 1;

    private final long[] stacks = new long[CLASSES * CAP];
    private final int[] depths = new int[CLASSES];
    private long cachedBytes;

    /** The most recently cached chunk of exactly {@code chunk} bytes (at most {@link #LIMIT}), or -1. */
    long peek(long chunk) {
        int list = (int) (chunk >>> 4);
        int depth = depths[list] - 1;
        return depth < 0 ? -1 : stacks[list * CAP + depth];
    }

    /**
     * The slot of the most recently cached chunk of exactly {@code chunk} bytes (at most {@link #LIMIT}) whose
     * address {@code addressBase + base} is a multiple of {@code alignment}, or -1 if its stack holds none.
     * Looks at the stack only, in a Java array; changes nothing.
     */
    int alignedSlot(long chunk, long addressBase, long alignment) {
        int list = (int) (chunk >>> 4);
        for (int slot = list * CAP + depths[list] - 1; slot >= list * CAP; slot--) {
            if (((addressBase + stacks[slot]) & (alignment - 1)) == 0) {
                return slot;
            }
        }
        return -1;
    }

    /** The base of the chunk in {@code slot} (from {@link #alignedSlot}). */
    long at(int slot) {
        return stacks[slot];
    }

    /** Removes the chunk of {@code chunk} bytes in {@code slot} from its stack; the top chunk moves into its place. */
    void remove(long chunk, int slot) {
        int list = (int) (chunk >>> 4);
        stacks[slot] = stacks[list * CAP + depths[list] - 1];
        drop(chunk);
    }

    /** Removes the chunk {@link #peek} returned from its stack. */
    void drop(long chunk) {
        depths[(int) (chunk >>> 4)]--;
        cachedBytes -= chunk;
    }

    /** Whether a chunk of {@code chunk} bytes (at most {@link #LIMIT}) may be pushed: its stack and the budget have room. */
    boolean hasRoom(long chunk) {
        return depths[(int) (chunk >>> 4)] < CAP && cachedBytes + chunk <= BUDGET;
    }

    /** Pushes the chunk at {@code base} of {@code chunk} bytes, for which {@link #hasRoom} said yes. */
    void push(long base, long chunk) {
        int list = (int) (chunk >>> 4);
        int depth = depths[list];
        stacks[list * CAP + depth] = base;
        depths[list] = depth + 1;
        cachedBytes += chunk;
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

    /** Bytes in cached chunks. */
    long bytes() {
        return cachedBytes;
    }

    /** Cached chunks (counted: a cold path). */
    long count() {
        long count = 0;
        for (int depth : depths) {
            count += depth;
        }
        return count;
    }

    /** Whether no chunk is cached (every chunk has at least 32 bytes). */
    boolean isEmpty() {
        return cachedBytes == 0;
    }
}

package dev.talc.bench.alloc;

/**
 * One allocator under benchmark, behind the smallest interface the workloads need.
 *
 * <p>A <em>handle</em> is whatever the peer hands out, as a {@code long}: a raw native address
 * (malloc, jemalloc, one-nio), an offset into the arena (Talc, Terracotta), or a slot in a table the
 * adapter keeps for object-based peers (Netty {@code ByteBuf}, one {@code Arena} per block).
 * {@link #FAILED} means out of memory; a failed call leaves every live block untouched.
 *
 * <p>Each adapter states in {@link #notes()} what its peer cannot do natively (alignment, realloc,
 * sizes over 2 GiB, thread safety) and how the adapter makes up for it, so the printed results are
 * honest about what was measured.
 *
 * <p>Adapters are used by one thread at a time unless {@link #threadSafe()} is true.
 */
public interface BenchAllocator extends AutoCloseable {

    /** The handle returned when an allocation or reallocation fails. */
    long FAILED = -1L;

    /** Short display name used in tables, charts and the CSV, e.g. {@code "one-nio Malloc"}. */
    String name();

    /**
     * What the peer lacks and how the adapter makes up for it (for example "no alignment parameter:
     * over-allocates by align-1 and rounds the address up"); empty when the peer does everything natively.
     */
    String notes();

    /** True when one instance may be used by several threads at once. */
    boolean threadSafe();

    /**
     * Allocates {@code size} bytes aligned to {@code align} (a power of two).
     *
     * @return a handle, or {@link #FAILED} when out of memory
     */
    long allocate(long size, long align);

    /** Frees a block; {@code size} and {@code align} are exactly those it was allocated (or last reallocated) with. */
    void free(long handle, long size, long align);

    /**
     * Resizes a block, keeping its first {@code min(oldSize, newSize)} bytes and its alignment.
     *
     * @return the (possibly unchanged) handle, or {@link #FAILED} when out of memory (the old block is kept)
     */
    long reallocate(long handle, long oldSize, long align, long newSize);

    /**
     * Allocates {@code size} zeroed bytes aligned to {@code align}: the peer's own calloc where it has one (it may
     * know that fresh memory is already zero), else {@link #allocate} and {@link #zero}. Added for the trace replay,
     * whose programs call calloc.
     *
     * @return a handle, or {@link #FAILED} when out of memory
     */
    default long calloc(long size, long align) {
        long h = allocate(size, align);
        if (h != FAILED) {
            zero(h, size);
        }
        return h;
    }

    /** Writes zeros over the block's first {@code size} bytes (the fallback of {@link #calloc}). */
    default void zero(long handle, long size) {
        for (long i = 0; i < size; i++) {
            touch(handle, i, (byte) 0);
        }
    }

    /**
     * The memory this allocator holds now, in bytes, by its own statistics (for example glibc's
     * {@code mallinfo2().arena + hblkhd}), or {@code -1} when it gives none: then the trace replay measures an
     * arena-based allocator by the span of addresses its blocks occupy. Read only in the replay's untimed
     * footprint pass; what the figure means is {@link #footprintNotes()}.
     */
    default long footprintBytes() {
        return -1;
    }

    /**
     * Called before a footprint pass's first reading: gives back to the OS what earlier passes left cached
     * (malloc_trim, a purge), so the pass's growth is measured from a clean start. No-op by default.
     */
    default void prepareFootprint() {
    }

    /** What the trace replay's footprint figure means for this allocator, or "n/a: reason" when it has none. */
    default String footprintNotes() {
        return arenaBytes() > 0
                ? "Footprint: the span of the arena its blocks occupied (highest block end minus lowest block start over"
                        + " every block of the untimed footprint pass)."
                : "n/a: no statistic of its own and no fixed arena.";
    }

    /** Writes one byte at {@code offset} inside the block (the workloads touch each new block's first and last byte). */
    void touch(long handle, long offset, byte value);

    /** Reads one byte at {@code offset} inside the block (used by the adapters' own tests). */
    byte peek(long handle, long offset);

    /**
     * The raw native address of the block's first byte, or {@code -1} where the peer gives none.
     *
     * <p>Added for the adapters' tests, which check every block's alignment and that no two live blocks
     * overlap; a handle is not always an address (an arena offset, a slot in a table), so the test
     * cannot derive it by itself. Not called on the benchmark's hot paths.
     */
    long address(long handle);

    /**
     * The bytes this allocator may hand out in total, for heap-efficiency figures; {@code -1} when the
     * peer takes memory from the operating system without a fixed bound.
     */
    long arenaBytes();

    /** Releases everything the allocator holds. */
    @Override
    void close();
}

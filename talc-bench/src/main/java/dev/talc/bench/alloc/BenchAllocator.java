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

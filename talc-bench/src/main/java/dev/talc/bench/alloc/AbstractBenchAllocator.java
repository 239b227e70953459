package dev.talc.bench.alloc;

/**
 * What the adapters have in common, held once: their name, notes and thread safety, bytes touched and read
 * at {@link #address(long)} through {@link Mem}, and realloc by allocate+copy+free for the peers without a
 * realloc of their own (or without one that keeps a large alignment).
 *
 * <p>By default a handle is the block's raw native address and the peer takes memory from the OS without
 * a fixed bound ({@link #arenaBytes()} is {@code -1}); adapters whose handles are offsets or table slots
 * override {@link #address(long)}, and the arena-based ones {@link #arenaBytes()}.
 */
abstract class AbstractBenchAllocator implements BenchAllocator {

    private final String name;
    private final String notes;
    private final boolean threadSafe;

    /**
     * @param name       the display name ({@link #name()})
     * @param notes      what the peer lacks and how the adapter makes up for it ({@link #notes()})
     * @param threadSafe whether one instance may be used by several threads at once
     */
    AbstractBenchAllocator(String name, String notes, boolean threadSafe) {
        this.name = name;
        this.notes = notes;
        this.threadSafe = threadSafe;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String notes() {
        return notes;
    }

    @Override
    public final boolean threadSafe() {
        return threadSafe;
    }

    @Override
    public void touch(long handle, long offset, byte value) {
        Mem.putByte(address(handle) + offset, value);
    }

    @Override
    public byte peek(long handle, long offset) {
        return Mem.getByte(address(handle) + offset);
    }

    /** Through {@link Mem}, at {@link #address(long)}; byte by byte where the peer gives no address. */
    @Override
    public void zero(long handle, long size) {
        long address = address(handle);
        if (address == -1) {
            BenchAllocator.super.zero(handle, size);
        } else {
            Mem.zero(address, size);
        }
    }

    /** The handle itself, unless the adapter's handles are not addresses. */
    @Override
    public long address(long handle) {
        return handle;
    }

    /** {@code -1}: memory comes from the OS, without a fixed bound. */
    @Override
    public long arenaBytes() {
        return -1;
    }

    /**
     * Realloc for a peer without one: allocates a new block of {@code newSize} bytes, copies the kept bytes and
     * frees the old block; when the allocation fails, the old block is kept and {@link #FAILED} returned.
     */
    final long reallocateByCopy(long handle, long oldSize, long align, long newSize) {
        long moved = allocate(newSize, align);
        if (moved == FAILED) {
            return FAILED;
        }
        Mem.copy(address(handle), address(moved), Math.min(oldSize, newSize));
        free(handle, oldSize, align);
        return moved;
    }
}

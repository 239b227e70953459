package dev.talc.bench.alloc;

import java.lang.foreign.Arena;

/**
 * The JDK's own way to get one native block with a deterministic lifetime: a confined Arena per block
 * (Arena.ofConfined().allocate(size, align), then close()). Each arena mallocs its memory and zeroes it.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>One Arena.ofConfined() per block: handles are slots in an adapter table (arena plus address).
 * Alignment is native (allocate(size, align)); the JDK zeroes every block and over-allocates malloc by the
 * alignment when it exceeds malloc's. No realloc: a new arena, allocate+copy, close the old one. Confined
 * arenas must be closed by their owner thread: used by one thread at a time. Memory comes from malloc,
 * without a fixed bound.
 */
public final class JdkArenaPerBlockAllocator extends AbstractBenchAllocator {

    static final String NOTES = "One Arena.ofConfined() per block: handles are slots in an adapter table (arena plus"
            + " address). Alignment is native (allocate(size, align)); the JDK zeroes every block and over-allocates"
            + " malloc by the alignment when it exceeds malloc's. No realloc: a new arena, allocate+copy, close the old"
            + " one. Confined arenas must be closed by their owner thread: used by one thread at a time. Memory comes"
            + " from malloc, without a fixed bound.";

    private final SlotTable<Arena> table = new SlotTable<>(false);

    public JdkArenaPerBlockAllocator() {
        super("JDK Arena per block", NOTES, false);
    }

    @Override
    public long allocate(long size, long align) {
        Arena arena = Arena.ofConfined();
        long address;
        try {
            address = arena.allocate(size, align).address();
        } catch (OutOfMemoryError e) {
            arena.close();
            return FAILED;
        }
        return table.handle(arena, address, Arena::close);
    }

    @Override
    public void free(long handle, long size, long align) {
        table.release((int) handle).close();
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        return reallocateByCopy(handle, oldSize, align, newSize);
    }

    /** Handles are slots in the table. */
    @Override
    public long address(long handle) {
        return table.address((int) handle);
    }

    @Override
    public void close() {
        table.drain(Arena::close);
    }
}

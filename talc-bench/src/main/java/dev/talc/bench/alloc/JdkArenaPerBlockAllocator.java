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
public final class JdkArenaPerBlockAllocator implements BenchAllocator {

    static final String NOTES = "One Arena.ofConfined() per block: handles are slots in an adapter table (arena plus"
            + " address). Alignment is native (allocate(size, align)); the JDK zeroes every block and over-allocates"
            + " malloc by the alignment when it exceeds malloc's. No realloc: a new arena, allocate+copy, close the old"
            + " one. Confined arenas must be closed by their owner thread: used by one thread at a time. Memory comes"
            + " from malloc, without a fixed bound.";

    private final SlotTable<Arena> table = new SlotTable<>(false);

    @Override
    public String name() {
        return "JDK Arena per block";
    }

    @Override
    public String notes() {
        return NOTES;
    }

    @Override
    public boolean threadSafe() {
        return false;
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
        int slot = table.acquire(arena, address);
        if (slot < 0) {
            arena.close();
            return FAILED;
        }
        return slot;
    }

    @Override
    public void free(long handle, long size, long align) {
        int slot = (int) handle;
        Arena arena = table.object(slot);
        table.release(slot);
        arena.close();
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        long moved = allocate(newSize, align);
        if (moved == FAILED) {
            return FAILED;
        }
        Mem.copy(table.address((int) handle), table.address((int) moved), Math.min(oldSize, newSize));
        free(handle, oldSize, align);
        return moved;
    }

    @Override
    public void touch(long handle, long offset, byte value) {
        Mem.putByte(table.address((int) handle) + offset, value);
    }

    @Override
    public byte peek(long handle, long offset) {
        return Mem.getByte(table.address((int) handle) + offset);
    }

    @Override
    public long address(long handle) {
        return table.address((int) handle);
    }

    @Override
    public long arenaBytes() {
        return -1;
    }

    @Override
    public void close() {
        table.drain(Arena::close);
    }
}

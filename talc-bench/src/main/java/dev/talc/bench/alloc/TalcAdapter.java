package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.talc.Talc;

/**
 * Talc itself (single-threaded), through its raw zero-garbage API: tryAllocate, free(offset, size) and
 * tryReallocate. Handles are offsets into memory(); bytes are touched through that segment.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Talc's raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc are native, realloc
 * grows or shrinks in place when it can. One heap over a zeroed, pre-touched Arena.ofShared() segment of the
 * requested size (Talc.over), from the ArenaPool. Not thread-safe: used by one thread at a time.
 */
public final class TalcAdapter implements BenchAllocator {

    static final String NOTES = "Talc's raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc"
            + " are native, realloc grows or shrinks in place when it can. One heap over a zeroed, pre-touched"
            + " Arena.ofShared() segment of the requested size (Talc.over), from the ArenaPool. Not thread-safe: used by"
            + " one thread at a time.";

    private final MemorySegment memory;
    private final Talc talc;

    /** @param arenaBytes the size of the heap (zeroed and pre-touched, from the {@link ArenaPool}) */
    public TalcAdapter(long arenaBytes) {
        this.memory = ArenaPool.acquire(arenaBytes);
        this.talc = Talc.over(memory);
    }

    /** The allocator under test (for checks such as {@code verify()} in tests). */
    public Talc talc() {
        return talc;
    }

    @Override
    public String name() {
        return "Talc";
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
        return talc.tryAllocate(size, align); // -1 == FAILED
    }

    @Override
    public void free(long handle, long size, long align) {
        talc.free(handle, size);
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        return talc.tryReallocate(handle, oldSize, align, newSize);
    }

    @Override
    public void touch(long handle, long offset, byte value) {
        memory.set(ValueLayout.JAVA_BYTE, handle + offset, value);
    }

    @Override
    public byte peek(long handle, long offset) {
        return memory.get(ValueLayout.JAVA_BYTE, handle + offset);
    }

    @Override
    public long address(long handle) {
        return memory.address() + handle;
    }

    @Override
    public long arenaBytes() {
        return memory.byteSize();
    }

    @Override
    public void close() {
        ArenaPool.release(memory);
    }
}

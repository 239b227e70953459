package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.talc.ConcurrentTalc;
import dev.talc.Talc;

/**
 * Talc's thread-safe forms, through the raw zero-garbage API on offsets: ConcurrentTalc with its default
 * shards, or ConcurrentTalc.locked(Talc) as the "one global lock" baseline (what the Rust seed's Talck is).
 * Handles are offsets into memory(); bytes are touched through that segment.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Sharded: ConcurrentTalc.over(memory), one shard per available processor (address-partitioned heaps,
 * each a Talc behind its own spin lock; threads pick a home shard). Raw API on offsets (tryAllocate, free,
 * tryReallocate): alignment and realloc are native, a moving realloc copies outside the locks. One zeroed,
 * pre-touched Arena.ofShared() segment of the requested size, from the ArenaPool. Thread-safe.
 * <p>Global lock: ConcurrentTalc.locked(Talc.over(memory)), one Talc behind one spin lock (the seed's Talck).
 * Raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc are native, a moving realloc
 * copies outside the locks. One zeroed, pre-touched Arena.ofShared() segment of the requested size, from the ArenaPool.
 * Thread-safe.
 */
public final class ConcurrentTalcAdapter implements BenchAllocator {

    private static final String COMMON = " Raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc"
            + " are native, a moving realloc copies outside the locks. One zeroed, pre-touched Arena.ofShared() segment"
            + " of the requested size, from the ArenaPool. Thread-safe.";
    static final String NOTES_SHARDED = "Sharded: ConcurrentTalc.over(memory), one shard per available processor"
            + " (address-partitioned heaps, each a Talc behind its own spin lock; threads pick a home shard)." + COMMON;
    static final String NOTES_LOCKED = "Global lock: ConcurrentTalc.locked(Talc.over(memory)), one Talc behind one spin"
            + " lock (the seed's Talck)." + COMMON;

    private final boolean globalLock;
    private final MemorySegment memory;
    private final ConcurrentTalc talc;

    /**
     * @param arenaBytes the size of the memory (zeroed and pre-touched, from the {@link ArenaPool})
     * @param globalLock {@code ConcurrentTalc.locked(Talc.over(memory))} instead of the sharded default
     */
    public ConcurrentTalcAdapter(long arenaBytes, boolean globalLock) {
        this.globalLock = globalLock;
        this.memory = ArenaPool.acquire(arenaBytes);
        this.talc = globalLock ? ConcurrentTalc.locked(Talc.over(memory)) : ConcurrentTalc.over(memory);
    }

    /** The allocator under test (for checks such as {@code verify()} in tests). */
    public ConcurrentTalc talc() {
        return talc;
    }

    @Override
    public String name() {
        return globalLock ? "ConcurrentTalc (global lock)" : "ConcurrentTalc";
    }

    @Override
    public String notes() {
        return globalLock ? NOTES_LOCKED : NOTES_SHARDED;
    }

    @Override
    public boolean threadSafe() {
        return true;
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

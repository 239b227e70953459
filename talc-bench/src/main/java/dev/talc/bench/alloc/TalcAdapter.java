package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;

import dev.talc.ConcurrentTalc;
import dev.talc.Talc;
import dev.talc.TalcAllocator;

/**
 * Talc's three forms, through the raw zero-garbage API on offsets of {@link TalcAllocator}: Talc itself
 * (single-threaded), ConcurrentTalc with its default shards, or ConcurrentTalc.locked(Talc) as the "one
 * global lock" baseline (what the Rust seed's Talck is). Handles are offsets into memory(); the workloads touch
 * and read the blocks' bytes at their addresses, as every peer's, through the harness's own segment ({@link Mem}),
 * so that this part of the harness costs all allocators alike.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Talc's raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc are native, realloc
 * grows or shrinks in place when it can. calloc (trace replay): tryAllocate and a zero fill (Talc has no calloc).
 * One heap over a zeroed, pre-touched Arena.ofShared() segment of the
 * requested size (Talc.over), from the ArenaPool. Not thread-safe: used by one thread at a time.
 * <p>Sharded: ConcurrentTalc.over(memory), one shard per available processor (address-partitioned heaps,
 * each a Talc behind its own spin lock; threads pick a home shard). Raw API on offsets (tryAllocate, free,
 * tryReallocate): alignment and realloc are native, a moving realloc copies up to 16 KiB under its shard's
 * lock and longer blocks outside any lock. calloc (trace replay): tryAllocate and a zero fill (Talc has no
 * calloc). One zeroed, pre-touched Arena.ofShared() segment of the requested
 * size, from the ArenaPool. Thread-safe.
 * <p>Global lock: ConcurrentTalc.locked(Talc.over(memory)), one Talc behind one spin lock (the seed's Talck).
 * Raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc are native, a moving realloc
 * copies up to 16 KiB under its shard's lock and longer blocks outside any lock. calloc (trace replay):
 * tryAllocate and a zero fill (Talc has no calloc). One zeroed, pre-touched
 * Arena.ofShared() segment of the requested size, from the ArenaPool. Thread-safe.
 */
public final class TalcAdapter extends AbstractBenchAllocator {

    static final String NOTES = "Talc's raw API on offsets (tryAllocate, free, tryReallocate): alignment and realloc"
            + " are native, realloc grows or shrinks in place when it can. calloc (trace replay): tryAllocate and a zero"
            + " fill (Talc has no calloc). One heap over a zeroed, pre-touched"
            + " Arena.ofShared() segment of the requested size (Talc.over), from the ArenaPool. Not thread-safe: used by"
            + " one thread at a time.";
    private static final String CONCURRENT = " Raw API on offsets (tryAllocate, free, tryReallocate): alignment and"
            + " realloc are native, a moving realloc copies up to 16 KiB under its shard's lock and longer blocks outside"
            + " any lock. calloc (trace replay): tryAllocate and a zero fill (Talc has no calloc). One zeroed, pre-touched Arena.ofShared() segment of the requested size, from the ArenaPool."
            + " Thread-safe.";
    static final String NOTES_SHARDED = "Sharded: ConcurrentTalc.over(memory), one shard per available processor"
            + " (address-partitioned heaps, each a Talc behind its own spin lock; threads pick a home shard)."
            + CONCURRENT;
    static final String NOTES_LOCKED = "Global lock: ConcurrentTalc.locked(Talc.over(memory)), one Talc behind one spin"
            + " lock (the seed's Talck)." + CONCURRENT;

    private final MemorySegment memory;
    private final TalcAllocator talc;

    private TalcAdapter(String name, String notes, boolean threadSafe, MemorySegment memory, TalcAllocator talc) {
        super(name, notes, threadSafe);
        this.memory = memory;
        this.talc = talc;
    }

    /**
     * Talc itself.
     *
     * @param arenaBytes the size of the heap (zeroed and pre-touched, from the {@link ArenaPool})
     */
    public TalcAdapter(long arenaBytes) {
        this(ArenaPool.acquire(arenaBytes));
    }

    private TalcAdapter(MemorySegment memory) {
        this(Contenders.TALC, NOTES, false, memory, Talc.over(memory));
    }

    /**
     * ConcurrentTalc over the memory.
     *
     * @param arenaBytes the size of the memory (zeroed and pre-touched, from the {@link ArenaPool})
     * @param globalLock {@code ConcurrentTalc.locked(Talc.over(memory))} instead of the sharded default
     */
    public static TalcAdapter concurrent(long arenaBytes, boolean globalLock) {
        MemorySegment memory = ArenaPool.acquire(arenaBytes);
        return globalLock
                ? new TalcAdapter(Contenders.TALC_GLOBAL_LOCK, NOTES_LOCKED, true, memory,
                        ConcurrentTalc.locked(Talc.over(memory)))
                : new TalcAdapter(Contenders.CONCURRENT_TALC, NOTES_SHARDED, true, memory, ConcurrentTalc.over(memory));
    }

    /** The allocator under test (for checks such as {@code verify()} in tests). */
    public TalcAllocator talc() {
        return talc;
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

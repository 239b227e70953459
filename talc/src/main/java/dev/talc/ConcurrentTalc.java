package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe allocator that scales with threads: several {@link Talc} shards over disjoint parts of
 * one memory segment, each behind its own lock.
 *
 * <h2>Design note</h2>
 * <ul>
 * <li><b>Shards by address.</b> The memory is cut into {@code shardCount()} contiguous heaps, one per
 *     shard. A block belongs to the shard whose heap holds it, so a free (from any thread) finds its
 *     shard by address, in a direct-mapped table over the memory ({@link Routes}: a shift and a load),
 *     and takes only that shard's lock.</li>
 * <li><b>Home shards.</b> Each thread allocates from its home shard, remembered in a small table indexed
 *     by the low bits of the thread id (cheaper than a {@code ThreadLocal}).
 *     If that shard's lock is taken, the thread moves to the next free shard and makes it its home, so
 *     threads spread out by themselves and, once spread, do not contend at all. The lock
 *     ({@link Shard}) costs one CAS to take and a plain store to release.</li>
 * <li><b>Nothing stranded.</b> A request the home shard cannot serve goes to the other shards in order
 *     (first fit over shards; a full shard remembers what it could not serve and answers that at once
 *     until it gains free memory, see {@link Shard}). If all fail, all shards are locked (in order),
 *     their quick bins are flushed, and if a run of free memory across touching shards' heaps (the top
 *     gap of one heap, heaps with no live block, the bottom gap of the next) can hold the request, that
 *     run is moved into the first of those heaps with {@link Talc#truncate} and {@link Talc#extend} and
 *     the request is served there. Only free memory ever moves between shards, so a live block's shard
 *     never changes; and a request nothing could serve moves nothing.</li>
 * <li><b>Long copies outside locks.</b> A reallocation that must move a block of up to 16 KiB does so
 *     within its shard under one lock; a longer one (or one its shard has no room for) allocates the new
 *     block anywhere, copies without holding any lock (the caller owns both blocks), then frees the old
 *     one.</li>
 * </ul>
 * <h2>Costs, and the alternatives measured</h2>
 * Per operation: a home lookup (allocations) or a route lookup (frees), and one CAS. The CAS sets the
 * floor, and no design that keeps this class's rules can go under it: allocation and free are strongly
 * non-commutative (two allocations race for the last block that fits; of two frees of one block exactly
 * one must be rejected), and for such operations every linearizable implementation must, even running
 * alone, order a store before a load of another location or use an atomic read-modify-write (Attiya et
 * al., "Laws of Order", POPL 2011); on x86 either is a locked instruction. Only memory no other thread
 * can reach (a per-thread cache) escapes that, and such memory is stranded. The benchmark module
 * measures the floor with two probes, Talc behind one bare fence and behind a bare CAS lock
 * ({@code paired talc talc-fence talc-bare-lock concurrenttalc}); the figures, and those of the
 * alternatives below, are in {@code docs/PERFORMANCE.md}. Tried and not kept:
 * <ul>
 * <li>A single global lock ({@link #locked(Talc)}, the seed's {@code Talck}): as cheap with one thread,
 *     but it serialises threads on one cache line.</li>
 * <li>The shard lock word as an {@code int}: JDK 25 packed it into the object header's spare bytes,
 *     outside the padding, and two threads on two shards slowed each other down; it is a padded
 *     {@code long}.</li>
 * <li>A {@code ThreadLocal} home hint: a tenth of the profile; the id-keyed table is off it.</li>
 * <li>Next fit over shards (the shard that served a request becomes home): lost heap efficiency;
 *     remembering the failure in the full shard is as fast and keeps first fit.</li>
 * <li>Reading the first words an operation needs before taking the lock, to overlap their misses with
 *     the fence: the extra reads cost more than the overlap gained.</li>
 * <li>The route table in this class's own fields: one load fewer per free, but slower in JMH.</li>
 * <li>Deferring a thread's frees of its own shard's blocks to a ring drained under the lock: slower at
 *     small sizes, no faster at large ones, and a bad free would be found only after the call
 *     returned.</li>
 * <li>Per-thread caches in front of the shards: would save the CAS but strand memory in threads that
 *     may never allocate again; draining them from other threads needs the same synchronisation the
 *     locks provide, unless another thread can stop the owner from outside ({@code membarrier(2)}),
 *     which the Java memory model cannot express. The one thing kept per thread is a closed arena's
 *     slab ({@link ParkedSlabs}): giving it back needs no atomic (the owner only publishes it), taking it
 *     back still takes the shard's lock, and every operation that must see all memory (an allocation
 *     about to fail, {@link #stats()}, {@link #verify()}) gives parked slabs back first.</li>
 * </ul>
 *
 * {@snippet :
 * ConcurrentTalc talc = ConcurrentTalc.over(Arena.ofShared().allocate(256 << 20, 4096));
 * try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
 *     for (int i = 0; i < 1000; i++) {
 *         pool.submit(() -> {
 *             MemorySegment block = talc.allocate(100, 8);
 *             block.fill((byte) 1);
 *             talc.free(block);
 *         });
 *     }
 * }
 * }
 *
 * @apiNote Thread-safe: every method may be called from any thread, including frees and reallocations
 *          of blocks other threads allocated. The memory must be accessible from every thread that uses
 *          the allocator (a shared, global or automatic arena, or a heap array), else the JDK's
 *          {@link WrongThreadException} passes through. {@link #verify()} and {@link #stats()} lock the
 *          shards (all at once, or one at a time) and so briefly pause allocating threads.
 */
public final class ConcurrentTalc implements TalcAllocator {
    /** Shards are not made smaller than this, so that tiny memories get fewer shards. */
    private static final long MIN_SHARD_BYTES = 64 << 10;
    /** Shard bounds are aligned to this (a cache line), so neighbouring shards share no line. */
    private static final long SHARD_ALIGNMENT = 64;
    /** Reallocations copying at most this many bytes move within their shard, under its lock. */
    private static final long LOCKED_COPY_LIMIT = 16 << 10;
    /** Slots of the thread-to-home-shard table (a power of two). */
    private static final int HOME_SLOTS = 256;

    private final MemorySegment memory;
    private final Shard[] shards;
    private final AtomicInteger nextHome = new AtomicInteger();
    /**
     * Each thread's home shard, direct-mapped by the low bits of the thread id (ids are handed out in
     * sequence, so threads alive together rarely share a slot): {@code homeThreads[slot]} is the id of
     * the thread whose home {@code homeShards[slot]} is, 0 when empty. Plain reads and rare plain writes,
     * the shard first: a thread that finds its own id finds a shard (its own, or that of a thread sharing
     * the slot, which is as good a place to allocate). Cheaper than a ThreadLocal lookup, and nothing to
     * clean up when threads (virtual ones too) end.
     */
    private final long[] homeThreads = new long[HOME_SLOTS];
    private final Shard[] homeShards = new Shard[HOME_SLOTS];
    /**
     * All heaps of all shards, sorted, with their shard: replaced (never changed) by a rebalance. A free
     * may read routes from before a rebalance; they are still right for every live block (only free
     * memory moves), and a wrong offset still meets its shard's checks.
     */
    private volatile Routes routes;
    /** Slabs of this allocator's closed arenas, parked per thread for its next arena (see {@link ParkedSlabs}). */
    private final ParkedSlabs parkedSlabs = new ParkedSlabs();

    private ConcurrentTalc(MemorySegment memory, Talc[] talcs, boolean ownHandler) {
        this.memory = memory;
        this.shards = new Shard[talcs.length];
        for (int i = 0; i < talcs.length; i++) {
            shards[i] = new Shard(talcs[i], i, !ownHandler);
        }
        this.routes = Routes.of(shards, memory.byteSize());
    }

    /**
     * A concurrent allocator over the whole of {@code memory}, with one shard per available processor
     * (fewer if the memory is small).
     *
     * {@snippet :
     * ConcurrentTalc talc = ConcurrentTalc.over(Arena.ofShared().allocate(64 << 20, 4096));
     * }
     *
     * @param memory the memory to manage; accessible from every thread that will use the allocator
     * @return the allocator
     * @throws NullPointerException     if {@code memory} is null
     * @throws IllegalArgumentException if {@code memory} is unusable (see {@link Talc#Talc(MemorySegment)})
     *                                  or smaller than 40 bytes
     */
    public static ConcurrentTalc over(MemorySegment memory) {
        return builder(memory).build();
    }

    /**
     * A builder for the number of shards and checked mode.
     *
     * {@snippet :
     * ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(8).checked(true).build();
     * }
     *
     * @param memory the memory to manage
     * @return a new builder
     * @throws NullPointerException if {@code memory} is null
     */
    public static Builder builder(MemorySegment memory) {
        return new Builder(Objects.requireNonNull(memory, "memory"));
    }

    /**
     * The seed's simple form: one lock around one {@link Talc}. Every operation takes the same lock, so
     * threads do not scale, but the allocator keeps the given Talc's heaps and {@link OomHandler}. The
     * given Talc must no longer be used directly.
     *
     * {@snippet :
     * Talc talc = new Talc(memory, OomHandler.extendDoubling(Span.ofSize(0, memory.byteSize()), 1 << 20));
     * ConcurrentTalc shared = ConcurrentTalc.locked(talc);
     * }
     *
     * @param talc the allocator to guard
     * @return a thread-safe allocator with one shard
     * @throws NullPointerException if {@code talc} is null
     */
    public static ConcurrentTalc locked(Talc talc) {
        return new ConcurrentTalc(talc.memory(), new Talc[] {Objects.requireNonNull(talc, "talc")}, true);
    }

    /**
     * Options for a {@link ConcurrentTalc}.
     *
     * @apiNote Not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final MemorySegment memory;
        private int shards = Runtime.getRuntime().availableProcessors();
        private boolean checked = Talc.CHECKED_BY_DEFAULT;

        private Builder(MemorySegment memory) {
            this.memory = memory;
        }

        /**
         * Sets the number of shards (default: the number of available processors). More shards than
         * threads that allocate at once buys nothing; memory too small for them all gets fewer.
         *
         * @param shards the number of shards, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code shards < 1}
         */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards=" + shards + " must be >= 1");
            }
            this.shards = shards;
            return this;
        }

        /**
         * Turns checked mode on or off for every shard (see {@link Talc.Builder#checked(boolean)}).
         *
         * @param checked whether to check every block argument
         * @return this builder
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * Makes the allocator, claiming the whole memory, split among the shards.
         *
         * @return a new allocator
         * @throws IllegalArgumentException if the memory is unusable or smaller than 40 bytes
         */
        public ConcurrentTalc build() {
            long bytes = memory.byteSize();
            int count = (int) Math.max(1, Math.min(shards, bytes / MIN_SHARD_BYTES));
            Talc[] talcs = new Talc[count];
            long base = 0;
            for (int i = 0; i < count; i++) {
                long acme = i == count - 1 ? bytes
                        : alignDown(memory.address() + bytes * (i + 1) / count, SHARD_ALIGNMENT) - memory.address();
                talcs[i] = Talc.builder(memory).checked(checked).build();
                talcs[i].claim(new Span(base, acme));
                base = acme;
            }
            return new ConcurrentTalc(memory, talcs, false);
        }

        private static long alignDown(long address, long alignment) {
            return address & -alignment;
        }
    }

    /**
     * The memory this allocator carves blocks from; offsets are relative to it.
     *
     * @return the memory segment
     */
    public MemorySegment memory() {
        return memory;
    }

    /**
     * The number of shards (1 for {@link #locked(Talc)}).
     *
     * @return the shard count
     */
    public int shardCount() {
        return shards.length;
    }

    // =============================================================================================
    // Raw API.
    // =============================================================================================

    /**
     * Allocates a block and returns its offset in {@link #memory()}, or -1 when no shard, even after
     * moving free memory between shards, can hold it.
     *
     * <p>Time complexity: as {@link Talc#tryAllocate}, plus a lookup by thread id; O(shards + heaps)
     * when the home shard is full.
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return the block's offset, or -1
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not a power of
     *                                  two greater than 0
     */
    public long tryAllocate(long byteSize, long byteAlignment) {
        long thread = Thread.currentThread().threadId();
        int slot = (int) thread & (HOME_SLOTS - 1);
        // Read before the id check: a thread writes its slot's shard before its id (setHome) and reads its
        // own writes, and other threads sharing the slot write only other ids, so a matching id never
        // comes with a null shard.
        Shard shard = homeShards[slot];
        // The fast path: the thread's home is known, may fit the request, and its lock is free.
        if (homeThreads[slot] == thread && !shard.knownNotToFit(byteSize, byteAlignment) && shard.tryLockNow()) {
            return allocateLocked(shard, byteSize, byteAlignment);
        }
        return allocateAwayFromHome(byteSize, byteAlignment, thread, slot);
    }

    /** Allocates in {@code shard}, whose lock the caller took, releases it, and goes elsewhere on failure. */
    private long allocateLocked(Shard shard, long byteSize, long byteAlignment) {
        long offset;
        try {
            offset = shard.tryAllocate(byteSize, byteAlignment);
        } finally {
            shard.unlock();
        }
        return offset >= 0 ? offset : allocateElsewhere(byteSize, byteAlignment, shard.index);
    }

    /**
     * The cold side of {@link #tryAllocate}: the thread has no home yet (or lost its slot to another
     * thread), its home is known not to fit the request, or its home's lock is taken.
     */
    private long allocateAwayFromHome(long byteSize, long byteAlignment, long thread, int slot) {
        Shard shard = homeThreads[slot] == thread ? homeShards[slot] : newHome(thread, slot);
        if (shard.knownNotToFit(byteSize, byteAlignment)) {
            return allocateElsewhere(byteSize, byteAlignment, shard.index);
        }
        if (!shard.tryLockNow()) {
            shard = anyFreeShard(shard.index, thread, slot);
        }
        return allocateLocked(shard, byteSize, byteAlignment);
    }

    /**
     * Frees a block; any thread may free any block.
     *
     * @param offset   the block's offset
     * @param byteSize the block's size, exactly as last requested
     * @throws IllegalArgumentException if the block is not live (as {@link Talc#free(long, long)});
     *                                  nothing is changed
     */
    public void free(long offset, long byteSize) {
        Shard shard = shardOf("free", offset, byteSize);
        shard.lock();
        try {
            shard.free(offset, byteSize);
        } finally {
            shard.unlock();
        }
    }

    /**
     * Resizes a block, in place when its shard allows, else by moving it: within its shard under one
     * lock when the copy is short (up to 16 KiB), else by allocating in any shard, copying without
     * holding a lock, and freeing the old block.
     *
     * @param offset        the block's offset
     * @param byteSize      the block's size, exactly as last requested
     * @param byteAlignment the alignment the block must keep
     * @param newByteSize   the new size
     * @return the block's new offset, or -1 when out of memory (the old block is then untouched)
     * @throws IllegalArgumentException if the block is not live, {@code newByteSize < 0} or
     *                                  {@code byteAlignment} is invalid; nothing is changed
     */
    public long tryReallocate(long offset, long byteSize, long byteAlignment, long newByteSize) {
        if (newByteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw newByteSize < 0 ? Errors.badNewSize("reallocate", byteSize, newByteSize)
                    : Errors.badLayout(newByteSize, byteAlignment);
        }
        Shard shard = shardOf("reallocate", offset, byteSize);
        shard.lock();
        try {
            if (Math.min(byteSize, newByteSize) <= LOCKED_COPY_LIMIT) {
                // A short copy costs less than two more lock round trips: move within the shard if it can.
                long moved = shard.talc.tryReallocate(offset, byteSize, byteAlignment, newByteSize);
                if (moved >= 0) {
                    shard.gainedFreeMemory();
                    return moved;
                }
            } else if (shard.talc.tryResizeInPlace(offset, byteSize, byteAlignment, newByteSize)) {
                shard.gainedFreeMemory();
                return offset;
            }
        } finally {
            shard.unlock();
        }
        long moved = tryAllocate(newByteSize, byteAlignment);
        if (moved < 0) {
            return -1;
        }
        MemorySegment.copy(memory, offset, memory, moved, Math.min(byteSize, newByteSize));
        free(offset, byteSize);
        return moved;
    }

    /**
     * Grows a block in place if the memory right above it is free.
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, at least {@code byteSize}
     * @return true if the block now has {@code newByteSize} bytes
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < byteSize}
     */
    public boolean tryGrowInPlace(long offset, long byteSize, long newByteSize) {
        Shard shard = shardOf("tryGrowInPlace", offset, byteSize);
        shard.lock();
        try {
            return shard.talc.tryGrowInPlace(offset, byteSize, newByteSize);
        } finally {
            shard.unlock();
        }
    }

    /**
     * Shrinks a block in place.
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, between 0 and {@code byteSize}
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize} is out of range
     */
    public void shrink(long offset, long byteSize, long newByteSize) {
        Shard shard = shardOf("shrink", offset, byteSize);
        shard.lock();
        try {
            shard.talc.shrink(offset, byteSize, newByteSize);
            shard.gainedFreeMemory();
        } finally {
            shard.unlock();
        }
    }

    // =============================================================================================
    // Segment API.
    // =============================================================================================

    /**
     * Allocates a block as a slice of {@link #memory()}.
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return a segment of exactly {@code byteSize} bytes, aligned to {@code byteAlignment}
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not a power of
     *                                  two greater than 0
     * @throws OutOfMemoryError         if no shard can hold the block
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long offset = tryAllocate(byteSize, byteAlignment);
        if (offset < 0) {
            throw Errors.outOfMemory(byteSize, byteAlignment, stats(), oomFailure());
        }
        return memory.asSlice(offset, byteSize);
    }

    /**
     * Frees a block this allocator returned; any thread may free any block.
     *
     * @param block exactly a segment returned by {@link #allocate} or {@link #reallocate}
     * @throws IllegalArgumentException if {@code block} is not a live block of this allocator
     */
    public void free(MemorySegment block) {
        free(Talc.offsetIn(memory, "free", block), block.byteSize());
    }

    /**
     * Resizes a block this allocator returned, keeping its contents and the alignment of its address
     * up to 16 bytes (see {@link Talc#reallocate(MemorySegment, long)}).
     *
     * @param block       a live block returned by this allocator
     * @param newByteSize the new size
     * @return the resized block
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < 0}
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    public MemorySegment reallocate(MemorySegment block, long newByteSize) {
        return reallocate(block, newByteSize, Math.min(Talc.maxByteAlignment(block), Talc.IMPLIED_ALIGNMENT));
    }

    /**
     * Resizes a block this allocator returned, keeping its contents and {@code byteAlignment}.
     *
     * @param block         a live block returned by this allocator
     * @param newByteSize   the new size
     * @param byteAlignment the alignment the resized block must have
     * @return the resized block
     * @throws IllegalArgumentException if the block is not live, {@code newByteSize < 0}, or
     *                                  {@code byteAlignment} is invalid
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    public MemorySegment reallocate(MemorySegment block, long newByteSize, long byteAlignment) {
        long moved = tryReallocate(Talc.offsetIn(memory, "reallocate", block), block.byteSize(), byteAlignment,
                newByteSize);
        if (moved < 0) {
            throw Errors.outOfMemory(newByteSize, byteAlignment, stats(), oomFailure());
        }
        return memory.asSlice(moved, newByteSize);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Its blocks come from the calling thread's home shard (as its other allocations); any thread may
     * keep allocating and freeing blocks of this allocator while the arena is open.
     *
     * @return a new open arena, confined to the calling thread
     */
    @Override
    public Arena newArena() {
        return TalcArena.open(this);
    }

    /**
     * An arena's slab of {@code size} bytes aligned to {@code alignment} (at most 16): the calling
     * thread's parked slab if it has that size, else a new block; -1 if none fits.
     */
    long takeArenaSlab(long size, long alignment) {
        long offset = alignment <= Tag.GRANULE ? parkedSlabs.take(size) : -1;
        return offset >= 0 ? offset : tryAllocate(size, alignment);
    }

    /**
     * Takes back the slab of a closing arena: parks it for the calling thread's next arena if its slot
     * is free, else frees it (which rejects a slab freed through the raw API meanwhile).
     */
    void giveBackArenaSlab(long offset, long size) {
        Shard shard = routes.ownerOf(offset);
        if (shard == null || !parkedSlabs.park(offset, size, shard)) {
            free(offset, size);
        }
    }

    /** Whether no arena slab is parked (for tests). */
    boolean hasNoParkedSlabs() {
        return parkedSlabs.isEmpty();
    }

    // =============================================================================================
    // Statistics and verification.
    // =============================================================================================

    /**
     * The sum of the shards' counters, each read under its shard's lock (one shard at a time). Slabs
     * parked by closed arenas count as free memory: they are freed first.
     *
     * @return the counters
     */
    public TalcStats stats() {
        TalcStats sum = null;
        for (Shard shard : shards) {
            shard.lock();
            try {
                parkedSlabs.giveBackAll(shard);
                TalcStats stats = shard.talc.stats();
                sum = sum == null ? stats : sum.plus(stats);
            } finally {
                shard.unlock();
            }
        }
        return sum;
    }

    /**
     * Checks every shard (see {@link Talc#verify()}) and that the shards' heaps are disjoint and match
     * the routing of frees. Locks all shards for the duration, pausing allocating threads. Slabs parked
     * by closed arenas are freed first.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    public void verify() {
        lockAllAndGiveBackParkedSlabs();
        try {
            verifyLocked();
        } finally {
            unlockAll();
        }
    }

    /** {@link #verify()} without giving parked arena slabs back (live chunks to the invariants); for tests. */
    void verifyKeepingParkedSlabs() {
        lockAll();
        try {
            verifyLocked();
        } finally {
            unlockAll();
        }
    }

    /** Checks every shard and the routes (all locks held). */
    private void verifyLocked() {
        for (Shard shard : shards) {
            shard.talc.verify();
        }
        Routes expected = Routes.of(shards, memory.byteSize());
        Routes actual = routes;
        if (!expected.equals(actual)) {
            throw Errors.invariant("routes-match-heaps", "routes=" + actual + " heaps=" + expected);
        }
        actual.verify();
    }

    // ---- observability (dev.talc.TalcMXBeanRegistration) ----

    /**
     * Registers a {@link TalcMXBean} for this allocator's statistics in the platform MBean server, under
     * {@code dev.talc:type=Talc,name=<name>}, until the returned registration is closed.
     * <p>Every attribute read takes a fresh, exact {@link #stats()} (locking each shard in turn).
     *
     * @param name the {@code name} key of the object name (quoted if it needs to be)
     * @return the registration; {@link TalcMXBeanRegistration#close()} unregisters the bean
     * @throws IllegalArgumentException if {@code name} is empty
     * @throws IllegalStateException    if a bean is already registered under that name
     */
    public TalcMXBeanRegistration registerMXBean(String name) {
        return TalcMXBeanRegistration.register(this, name);
    }

    /**
     * A short description: shards and main counters.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        TalcStats stats = stats();
        return "ConcurrentTalc[memory=" + memory + ", shards=" + shards.length + ", allocationCount="
                + stats.allocationCount() + ", allocatedBytes=" + stats.allocatedBytes() + ", availableBytes="
                + stats.availableBytes() + "]";
    }

    // =============================================================================================
    // Shards: homes, routing, and moving free memory between them.
    // =============================================================================================

    /** Gives a thread without a home the next shard round-robin, recorded in its slot. */
    private Shard newHome(long thread, int slot) {
        Shard shard = shards[Math.floorMod(nextHome.getAndIncrement(), shards.length)];
        setHome(thread, slot, shard);
        return shard;
    }

    /** Makes {@code shard} the home of {@code thread}: the shard first, so a thread seeing its id sees a shard. */
    private void setHome(long thread, int slot, Shard shard) {
        homeShards[slot] = shard;
        homeThreads[slot] = thread;
    }

    /** Finds a shard whose lock is free, makes it the thread's home and returns it locked. */
    private Shard anyFreeShard(int home, long thread, int slot) {
        for (int i = 1; i < shards.length; i++) {
            Shard shard = shards[(home + i) % shards.length];
            if (shard.tryLock()) {
                setHome(thread, slot, shard);
                return shard;
            }
        }
        Shard shard = shards[home];
        shard.lock();
        return shard;
    }

    /** Checks every shard's remembered failure (see {@link Shard}); for tests, after every step. */
    void checkRememberedFailures() {
        lockAll();
        try {
            for (Shard shard : shards) {
                shard.checkRememberedFailure();
            }
        } finally {
            unlockAll();
        }
    }

    /** The index of the shard whose heap holds {@code offset}, or -1 (for tests). */
    int shardIndexOf(long offset) {
        Shard shard = routes.ownerOf(offset);
        return shard == null ? -1 : shard.index;
    }

    /** The shard whose heap holds {@code offset}, or throws as a free of a foreign offset would. */
    private Shard shardOf(String operation, long offset, long byteSize) {
        Shard shard = routes.ownerOf(offset);
        if (shard == null) {
            throw Errors.badBlock(operation, "outside-heaps", offset, byteSize);
        }
        return shard;
    }

    /** Tries every shard but {@code tried}, then moves free memory between shards and tries again. */
    private long allocateElsewhere(long byteSize, long byteAlignment, int tried) {
        for (int i = 1; i < shards.length; i++) {
            Shard shard = shards[(tried + i) % shards.length];
            if (shard.knownNotToFit(byteSize, byteAlignment)) {
                continue;
            }
            shard.lock();
            try {
                long offset = shard.tryAllocate(byteSize, byteAlignment);
                if (offset >= 0) {
                    return offset;
                }
            } finally {
                shard.unlock();
            }
        }
        lockAllAndGiveBackParkedSlabs();
        try {
            for (Shard shard : shards) {
                long offset = shard.talc.tryAllocate(byteSize, byteAlignment);
                if (offset >= 0) {
                    return offset;
                }
            }
            Shard merged = mergeRunFor(byteSize, byteAlignment);
            return merged == null ? -1 : merged.talc.tryAllocate(byteSize, byteAlignment);
        } finally {
            unlockAll();
        }
    }

    /**
     * With every shard locked: looks for a chain of touching heaps whose free memory at the boundaries
     * (the top gap of the first heap, any heaps with no live block, the bottom gap of the last) can hold
     * the request, and moves that memory into the first heap of the chain with {@link Talc#truncate}
     * and {@link Talc#extend}, so it becomes one gap. Only such a chain is merged: a request nothing can
     * satisfy leaves the shards as they are. Returns the shard that now holds the merged gap, or null.
     */
    private Shard mergeRunFor(long byteSize, long byteAlignment) {
        Routes now = Routes.of(shards, memory.byteSize());
        int count = now.bases().length;
        // the block, its worst-case alignment padding, and a minimal chunk's worth of tag and rounding
        long needed = byteSize + Math.max(byteAlignment, Tag.GRANULE) + Tag.MIN_CHUNK;
        for (int first = 0; first < count; first++) {
            Talc firstTalc = now.owners()[first].talc;
            Span firstHeap = new Span(now.bases()[first], now.acmes()[first]);
            Span live = firstTalc.allocatedSpan(firstHeap);
            long run = live.isEmpty() ? firstHeap.size() - Tag.SENTINEL : firstHeap.acme() - live.acme();
            int last = first;
            while (run < needed && last + 1 < count && now.acmes()[last] == now.bases()[last + 1]) {
                last++;
                Span heap = new Span(now.bases()[last], now.acmes()[last]);
                Span heapLive = now.owners()[last].talc.allocatedSpan(heap);
                if (!heapLive.isEmpty()) {
                    run += heapLive.base() - heap.base(); // its bottom gap and its sentinel
                    break;
                }
                run += heap.size();
            }
            if (last > first && run >= needed) {
                for (int next = first + 1; next <= last; next++) {
                    Talc talc = now.owners()[next].talc;
                    Span heap = new Span(now.bases()[next], now.acmes()[next]);
                    Span heapLive = talc.allocatedSpan(heap);
                    Span rest = talc.truncate(heap, heapLive.isEmpty() ? Span.empty()
                            : new Span(heapLive.base() - Tag.SENTINEL, heap.acme()));
                    long boundary = rest.isEmpty() ? heap.acme() : rest.base();
                    if (boundary > firstHeap.acme()) {
                        firstHeap = firstTalc.extend(firstHeap, new Span(firstHeap.base(), boundary));
                    }
                }
                routes = Routes.of(shards, memory.byteSize());
                now.owners()[first].gainedFreeMemory();
                return now.owners()[first];
            }
        }
        return null;
    }

    /**
     * What made the last allocation fail past an {@link OomHandler}, for the {@link OutOfMemoryError}'s
     * cause: only a {@link #locked(Talc)} allocator has a handler of its own (shards fail at once).
     */
    private Throwable oomFailure() {
        if (shards.length != 1) {
            return null;
        }
        shards[0].lock();
        try {
            return shards[0].talc.lastOomFailure();
        } finally {
            shards[0].unlock();
        }
    }

    private void lockAll() {
        for (Shard shard : shards) {
            shard.lock();
        }
    }

    /** Locks every shard and frees the slabs parked in it: what every operation that sees all memory needs. */
    private void lockAllAndGiveBackParkedSlabs() {
        lockAll();
        for (Shard shard : shards) {
            parkedSlabs.giveBackAll(shard);
        }
    }

    private void unlockAll() {
        for (int i = shards.length - 1; i >= 0; i--) {
            shards[i].unlock();
        }
    }
}

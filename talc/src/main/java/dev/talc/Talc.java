package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

import static dev.talc.Tag.ALLOCATED;
import static dev.talc.Tag.CACHED;
import static dev.talc.Tag.GRANULE;
import static dev.talc.Tag.SENTINEL;
import static dev.talc.Tag.WORD;

/**
 * A general-purpose allocator of blocks inside memory the caller provides: a native segment from an
 * {@link java.lang.foreign.Arena}, a memory-mapped file, or a {@code long[]} on the Java heap.
 *
 * <h2>Design note</h2>
 * Talc cuts its heaps into chunks with boundary tags (layout in {@link Tag}): one word of metadata per
 * block, in 16-byte granules so that every block is 16-aligned, as malloc's are. Free chunks ("gaps")
 * carry only their id at both ends; their bounds and size-bin lists live in Java arrays ({@link Gaps},
 * {@link Bins}), and freed small chunks wait in exact-size stacks, also Java arrays
 * ({@link QuickBins}). Hence:
 * <ul>
 * <li>{@code free} is O(1): the block's size says where its tag is (a chunk is always exactly
 *     {@code Tag.chunkSize(byteSize)} bytes), the tag says whether the chunk above is free, the word
 *     below says whether the chunk below is; both neighbours merge at once. A small chunk is cached
 *     instead, with one read and one write of its tag.</li>
 * <li>{@code allocate} is O(1) in the common case: a cached chunk of the exact size, else the bitmap
 *     finds the first bin whose every gap fits, alignment included (so high alignment costs no search),
 *     after a best-fit look at a few gaps of the partly fitting bin; every look is at Java arrays, not
 *     at the memory. Only before giving up does it flush the cache, search every partly fitting bin,
 *     then call the {@link OomHandler}.</li>
 * <li>{@code reallocate} grows in place into a free chunk above, and shrinks in place.</li>
 * <li>Bad frees are caught before anything changes (double frees always; everything in checked mode),
 *     and every memory access goes through the bounds-checked segment: a bug cannot crash the JVM.</li>
 * </ul>
 * Every access to the memory pays the FFM API's bounds and liveness checks, so the hot paths are built
 * to make few: an allocation from the cache reads and writes one tag word, a free to the cache likewise,
 * a split writes the new tag and the gap's moved boundary word. This class checks every call and counts
 * blocks; where chunks go, how they merge and how they resize in place lives in {@link Chunks}, heap
 * management (claim, extend, truncate) in {@link HeapEditor}, the invariant scan in {@link Verifier}.
 * The raw API ({@link #tryAllocate}, {@link #free(long, long)}, {@link #tryReallocate},
 * {@link #tryGrowInPlace}, {@link #shrink}) works on offsets into {@link #memory()} and allocates no Java
 * objects. The segment API ({@link #allocate(long, long)}, {@link #free(MemorySegment)},
 * {@link #reallocate}) hands out slices of {@code memory()}, so Talc is a {@link SegmentAllocator}:
 *
 * {@snippet :
 * try (Arena arena = Arena.ofConfined()) {
 *     Talc talc = Talc.over(arena.allocate(1 << 20, 4096));   // one heap over the whole segment
 *     MemorySegment point = talc.allocate(ValueLayout.JAVA_INT, 2);
 *     MemorySegment name = talc.allocateFrom("talc");          // SegmentAllocator's helpers work too
 *     talc.free(point);
 *     talc.free(name);
 * }
 * }
 *
 * <h2>Memory</h2>
 * The memory segment must allow aligned 8-byte access ({@code maxByteAlignment() >= 8}, so not a
 * {@code byte[]} segment) and be writable. Talc uses only the parts of it claimed as heaps
 * ({@link #claim}); unclaimed or released memory is never touched. An <em>offset</em> is a byte offset
 * into {@code memory}; alignment applies to the address {@code memory.address() + offset}.
 *
 * <h2>Misuse</h2>
 * Invalid arguments throw {@link IllegalArgumentException} with {@code key=value} detail, before any
 * state changes. Freeing a block twice, or an offset outside every heap, is always detected. A random
 * offset, an interior offset or a wrong size is detected unless the memory happens to hold, where that
 * offset and size put the tag, the tag of a block at that offset (a block's own contents could forge
 * one); <em>checked mode</em> ({@link Builder#checked(boolean)} or {@code -Ddev.talc.checked=true}), which
 * keeps a registry of live blocks, detects every one. An undetected misuse may corrupt the allocator's
 * own heaps, never the JVM or memory outside.
 *
 * @apiNote Not thread-safe, like the JDK's own segment allocators: confine an instance to one thread at a
 *          time, or use {@link ConcurrentTalc}. If the memory's arena is closed, or confined to another
 *          thread, the JDK's {@link IllegalStateException} or {@link WrongThreadException} passes through
 *          and the allocator is left as it was.
 */
public final class Talc implements TalcAllocator {
    /** The default for checked mode: system property {@code dev.talc.checked}. */
    static final boolean CHECKED_BY_DEFAULT = Boolean.getBoolean("dev.talc.checked");
    /** Requests above this cannot fit any segment (2^60 bytes); the bound keeps size arithmetic exact. */
    static final long MAX_BYTE_SIZE = 1L << 60;
    /** {@link #reallocate(MemorySegment, long)} keeps at most this alignment of the old address (malloc's). */
    static final long IMPLIED_ALIGNMENT = 16;

    private final MemorySegment memory;
    /** The chunks of the heaps: placement, merging, in-place resizing, the quick bins and gap records. */
    private final Chunks chunks;
    private final Heaps heaps;
    private final OomHandler onOom;
    /** Live blocks, only in checked mode; null otherwise. */
    private final BlockRegistry registry;
    /**
     * The slab a closed arena left for the next one ({@link #giveBackArenaSlab}), -1 if none: a live chunk
     * that counts as free memory, given back before anything measures, flushes or may fail.
     */
    private long parkedSlab = -1;
    private long parkedSlabSize;

    // Live counters (hot paths); the live block count is totalAllocationCount - totalFreeCount.
    private long allocatedBytes;
    // Totals since creation (hot paths).
    private long totalAllocationCount;
    private long totalAllocatedBytes;
    private long totalFreeCount;
    // Heap counters (cold paths).
    private long claimedBytes;
    private long totalHeapCount;
    private long totalClaimedBytes;
    /**
     * With exactly one heap, the lowest offset a block can have in it and the room above that; else
     * {@code 0, 0}: a block argument is in the only heap iff {@code offset - blockLow} is below
     * {@code blockRoom}, unsigned (see {@link #liveTag}).
     */
    private long blockLow;
    private long blockRoom;
    /** Why the last allocation failed past the OomHandler, if it threw or misbehaved. */
    private Throwable lastOomFailure;

    /**
     * An allocator over {@code memory} with no heap yet; allocations fail until one is claimed.
     *
     * {@snippet :
     * Talc talc = new Talc(memory);
     * talc.claim(Span.ofSize(0, memory.byteSize()));
     * }
     *
     * @param memory the memory the allocator's heaps will be carved from
     * @throws NullPointerException     if {@code memory} is null
     * @throws IllegalArgumentException if {@code memory} is read-only or cannot hold aligned 8-byte words
     *                                  ({@code maxByteAlignment() < 8}, e.g. a {@code byte[]} segment)
     */
    public Talc(MemorySegment memory) {
        this(memory, OomHandler.fail(), CHECKED_BY_DEFAULT);
    }

    /**
     * An allocator over {@code memory} with no heap yet, which calls {@code onOom} when nothing fits.
     *
     * {@snippet :
     * Talc talc = new Talc(memory, OomHandler.extendDoubling(Span.ofSize(0, memory.byteSize()), 4096));
     * MemorySegment block = talc.allocate(100);   // the handler claims the first heap
     * }
     *
     * @param memory the memory the allocator's heaps will be carved from
     * @param onOom  called when an allocation does not fit (see {@link OomHandler})
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code memory} is read-only or cannot hold aligned 8-byte words
     */
    public Talc(MemorySegment memory, OomHandler onOom) {
        this(memory, onOom, CHECKED_BY_DEFAULT);
    }

    private Talc(MemorySegment memory, OomHandler onOom, boolean checked) {
        Objects.requireNonNull(memory, "memory");
        this.onOom = Objects.requireNonNull(onOom, "onOom");
        if (maxByteAlignment(memory) < WORD) {
            throw Errors.badMemory("cannot-hold-aligned-words (use a native segment or MemorySegment.ofArray(long[]))",
                    memory);
        }
        if (memory.isReadOnly()) {
            throw Errors.badMemory("read-only", memory);
        }
        this.memory = memory;
        this.chunks = new Chunks(memory);
        this.heaps = chunks.heaps;
        this.registry = checked ? new BlockRegistry() : null;
    }

    /**
     * An allocator that claims the whole of {@code memory} as one heap.
     *
     * {@snippet :
     * Talc talc = Talc.over(Arena.ofAuto().allocate(64 << 20));
     * }
     *
     * @param memory the memory to manage
     * @return the allocator
     * @throws NullPointerException     if {@code memory} is null
     * @throws IllegalArgumentException if {@code memory} is unusable (see {@link #Talc(MemorySegment)}) or
     *                                  smaller than 48 bytes
     */
    public static Talc over(MemorySegment memory) {
        Talc talc = new Talc(memory);
        talc.claim(Span.ofSize(0, memory.byteSize()));
        return talc;
    }

    /**
     * A builder for the options the constructors do not take.
     *
     * {@snippet :
     * Talc talc = Talc.builder(memory).checked(true).claimAll().build();
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
     * Options for a {@link Talc}: the OOM handler, checked mode, and whether to claim the whole memory.
     *
     * @apiNote Not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final MemorySegment memory;
        private OomHandler onOom = OomHandler.fail();
        private boolean checked = CHECKED_BY_DEFAULT;
        private boolean claimAll;

        private Builder(MemorySegment memory) {
            this.memory = memory;
        }

        /**
         * Sets the out-of-memory handler (default {@link OomHandler#fail()}).
         *
         * @param onOom the handler
         * @return this builder
         * @throws NullPointerException if {@code onOom} is null
         */
        public Builder oomHandler(OomHandler onOom) {
            this.onOom = Objects.requireNonNull(onOom, "onOom");
            return this;
        }

        /**
         * Turns checked mode on or off (default: the system property {@code dev.talc.checked}). Checked
         * mode keeps a registry of live blocks and rejects every free, grow, shrink or reallocation of
         * anything else (random offsets, interior offsets, wrong sizes), at the cost of a hash lookup per
         * operation and up to 32 bytes of Java heap per live block.
         *
         * @param checked whether to check every block argument
         * @return this builder
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * Claims the whole memory as one heap when built.
         *
         * @return this builder
         */
        public Builder claimAll() {
            this.claimAll = true;
            return this;
        }

        /**
         * Makes the allocator.
         *
         * @return a new allocator
         * @throws IllegalArgumentException if the memory is unusable, or too small to claim
         */
        public Talc build() {
            Talc talc = new Talc(memory, onOom, checked);
            if (claimAll) {
                talc.claim(Span.ofSize(0, memory.byteSize()));
            }
            return talc;
        }
    }

    /**
     * The memory this allocator carves its heaps from; offsets are relative to it.
     *
     * @return the memory segment given at construction
     */
    public MemorySegment memory() {
        return memory;
    }

    /**
     * Whether this allocator checks every block argument against a registry of live blocks.
     *
     * @return true in checked mode
     */
    public boolean isChecked() {
        return registry != null;
    }

    // =============================================================================================
    // Raw API: offsets, no garbage.
    // =============================================================================================

    /**
     * Allocates a block and returns its offset in {@link #memory()}, or -1 when out of memory (after the
     * {@link OomHandler} gave up). A failed call leaves every block and the memory counters (allocated,
     * available, claimed) as they were; it may merge cached free chunks (the quick bins), so
     * {@link TalcStats#gapCount()} can drop and {@link TalcStats#largestGapBytes()} grow. Zero-size
     * blocks are distinct blocks. Every block is at least 16-aligned (malloc's guarantee).
     *
     * <p>Time complexity: O(1), except when nothing fits: then O(gaps in the partly fitting bins) before
     * the handler.
     *
     * {@snippet :
     * long offset = talc.tryAllocate(64, 16);
     * if (offset >= 0) {
     *     talc.memory().set(ValueLayout.JAVA_LONG, offset, 42L);
     *     talc.free(offset, 64);
     * }
     * }
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return the block's offset, or -1
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not a power of
     *                                  two greater than 0
     */
    public long tryAllocate(long byteSize, long byteAlignment) {
        long offset = -1;
        if (Long.compareUnsigned(byteSize, MAX_BYTE_SIZE) <= 0
                && byteAlignment > 0 && (byteAlignment & (byteAlignment - 1)) == 0) {
            long chunk = Tag.chunkSize(byteSize);
            if (chunk <= QuickBins.LIMIT) {
                offset = byteAlignment <= GRANULE ? chunks.takeCached(chunk) : chunks.takeCachedAligned(chunk, byteAlignment);
            }
            if (offset < 0) {
                offset = byteAlignment <= GRANULE ? chunks.take(chunk) : chunks.takeAligned(chunk, byteAlignment);
            }
        }
        if (offset < 0) {
            offset = allocateSlow(byteSize, byteAlignment);
            if (offset < 0) {
                return -1;
            }
        }
        allocatedBytes += byteSize;
        totalAllocationCount++;
        totalAllocatedBytes += byteSize;
        if (registry != null) {
            registry.add(offset, byteSize);
        }
        return offset;
    }

    /**
     * Frees a block.
     *
     * <p>Time complexity: O(1).
     *
     * @param offset   the offset {@link #tryAllocate} (or a reallocation) returned
     * @param byteSize the block's size, exactly as last requested
     * @throws IllegalArgumentException if the block is not live in this allocator (double free, an offset
     *                                  outside every heap; in checked mode also any other offset or size);
     *                                  nothing is changed
     */
    public void free(long offset, long byteSize) {
        freeReturningGapSize(offset, byteSize);
    }

    /**
     * Frees a block as {@link #free(long, long)} does, and returns the size of the gap its memory merged
     * into, or {@code Long.MAX_VALUE} if the quick bins kept it (a flush may merge it later with gaps
     * next to it). A request of that many bytes or more is the only kind the free may have made room for;
     * for {@link Shard}'s remembered failure.
     */
    long freeReturningGapSize(long offset, long byteSize) {
        return freeLive(offset, byteSize, liveTag("free", offset, byteSize));
    }

    /**
     * Frees the live block {@code (offset, byteSize)} whose tag {@link #liveTag} returned: caches its chunk
     * if it is small and its stack has room, else merges it with its free neighbours. Returns the size of
     * the gap it merged into, or {@code Long.MAX_VALUE} if it was cached.
     */
    private long freeLive(long offset, long byteSize, long tag) {
        long gapSize = chunks.free(offset, Tag.chunkSize(byteSize), tag);
        allocatedBytes -= byteSize;
        totalFreeCount++;
        if (registry != null) {
            registry.remove(offset);
        }
        return gapSize;
    }

    /**
     * Resizes a block, in place when it can (shrinking, or growing into a free chunk above), else by
     * allocating a new block, copying {@code min(byteSize, newByteSize)} bytes and freeing the old one.
     *
     * <p>Time complexity: O(1) in place; otherwise an allocation plus the copy.
     *
     * @param offset        the block's offset
     * @param byteSize      the block's size, exactly as last requested
     * @param byteAlignment the alignment the block must keep (a power of two)
     * @param newByteSize   the new size
     * @return the block's new offset (possibly unchanged), or -1 when out of memory: the old block is
     *         then untouched and still live
     * @throws IllegalArgumentException if the block is not live (as {@link #free(long, long)}), if
     *                                  {@code newByteSize < 0}, or {@code byteAlignment} is invalid; nothing
     *                                  is changed
     */
    public long tryReallocate(long offset, long byteSize, long byteAlignment, long newByteSize) {
        if (newByteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw newByteSize < 0 ? Errors.badNewSize("reallocate", byteSize, newByteSize)
                    : Errors.badLayout(newByteSize, byteAlignment);
        }
        long tag = liveTag("reallocate", offset, byteSize);
        if (resizeInPlace(offset, byteSize, byteAlignment, newByteSize)) {
            return offset;
        }
        long moved = tryAllocate(newByteSize, byteAlignment);
        if (moved < 0) {
            return -1;
        }
        MemorySegment.copy(memory, offset, memory, moved, Math.min(byteSize, newByteSize));
        // The old block is still live and where it was (an allocation never moves one), and so is its tag.
        freeLive(offset, byteSize, tag);
        return moved;
    }

    /**
     * Validates the block, then shrinks it or grows it in place if its alignment allows; returns whether
     * it now has {@code newByteSize} bytes. For {@link ConcurrentTalc}, which moves blocks itself.
     */
    boolean tryResizeInPlace(long offset, long byteSize, long byteAlignment, long newByteSize) {
        liveTag("reallocate", offset, byteSize);
        return resizeInPlace(offset, byteSize, byteAlignment, newByteSize);
    }

    private boolean resizeInPlace(long offset, long byteSize, long byteAlignment, long newByteSize) {
        if (((chunks.addressBase + offset) & (byteAlignment - 1)) != 0 || newByteSize > MAX_BYTE_SIZE) {
            return false;
        }
        long chunk = Tag.chunkSize(byteSize);
        long newChunk = Tag.chunkSize(newByteSize);
        if (newChunk < chunk) {
            chunks.shrink(offset, chunk, newChunk);
        } else if (newChunk > chunk && !chunks.grow(offset, chunk, newChunk)) {
            return false;
        }
        resized(offset, byteSize, newByteSize);
        return true;
    }

    /**
     * Grows a block in place if the memory right above it is free (or was slack in its chunk).
     *
     * <p>Time complexity: O(1).
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, at least {@code byteSize}
     * @return true if the block now has {@code newByteSize} bytes; false if it could not grow (unchanged)
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < byteSize};
     *                                  nothing is changed
     */
    public boolean tryGrowInPlace(long offset, long byteSize, long newByteSize) {
        if (newByteSize < byteSize) {
            throw Errors.badNewSize("tryGrowInPlace", byteSize, newByteSize);
        }
        liveTag("tryGrowInPlace", offset, byteSize);
        return resizeInPlace(offset, byteSize, 1, newByteSize);
    }

    /**
     * Shrinks a block in place, returning the freed tail to the heap when its chunk gets smaller.
     *
     * <p>Time complexity: O(1).
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, between 0 and {@code byteSize}
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize} is out of range;
     *                                  nothing is changed
     */
    public void shrink(long offset, long byteSize, long newByteSize) {
        if (newByteSize < 0 || newByteSize > byteSize) {
            throw Errors.badNewSize("shrink", byteSize, newByteSize);
        }
        liveTag("shrink", offset, byteSize);
        resizeInPlace(offset, byteSize, 1, newByteSize);
    }

    // =============================================================================================
    // Segment API.
    // =============================================================================================

    /**
     * Allocates a block as a slice of {@link #memory()}.
     *
     * {@snippet :
     * MemorySegment block = talc.allocate(256, 64);   // 256 bytes on a 64-byte boundary
     * block.fill((byte) 0);
     * talc.free(block);
     * }
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return a segment of exactly {@code byteSize} bytes, aligned to {@code byteAlignment}
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not a power of
     *                                  two greater than 0
     * @throws OutOfMemoryError         if nothing fits and the {@link OomHandler} gives up (its failure,
     *                                  if it threw, is the cause); nothing is changed
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long offset = tryAllocate(byteSize, byteAlignment);
        if (offset < 0) {
            throw Errors.outOfMemory(byteSize, byteAlignment, stats(), lastOomFailure);
        }
        return memory.asSlice(offset, byteSize);
    }

    /**
     * Frees a block this allocator returned.
     *
     * @param block exactly a segment returned by {@link #allocate} or {@link #reallocate} (same address
     *              and size)
     * @throws IllegalArgumentException if {@code block} is not inside {@link #memory()}, or is not a live
     *                                  block (as {@link #free(long, long)}); nothing is changed
     */
    public void free(MemorySegment block) {
        free(offsetIn(memory, "free", block), block.byteSize());
    }

    /**
     * Resizes a block this allocator returned; its contents (up to the smaller size) are kept. The new
     * block keeps the alignment of the old block's address, up to 16 bytes (malloc's guarantee); use
     * {@link #reallocate(MemorySegment, long, long)} to keep a larger one.
     *
     * @param block       a live block returned by this allocator
     * @param newByteSize the new size
     * @return the resized block (a new segment; the old one must no longer be used)
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < 0}
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    public MemorySegment reallocate(MemorySegment block, long newByteSize) {
        long alignment = Math.min(maxByteAlignment(block), IMPLIED_ALIGNMENT);
        return reallocate(block, newByteSize, alignment);
    }

    /**
     * Resizes a block this allocator returned, keeping {@code byteAlignment}; contents are kept.
     *
     * @param block         a live block returned by this allocator
     * @param newByteSize   the new size
     * @param byteAlignment the alignment the resized block must have
     * @return the resized block (a new segment; the old one must no longer be used)
     * @throws IllegalArgumentException if the block is not live, {@code newByteSize < 0}, or
     *                                  {@code byteAlignment} is not a power of two greater than 0
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    public MemorySegment reallocate(MemorySegment block, long newByteSize, long byteAlignment) {
        long moved = tryReallocate(offsetIn(memory, "reallocate", block), block.byteSize(), byteAlignment, newByteSize);
        if (moved < 0) {
            throw Errors.outOfMemory(newByteSize, byteAlignment, stats(), lastOomFailure);
        }
        return memory.asSlice(moved, newByteSize);
    }

    /**
     * {@inheritDoc}
     *
     * @return a new open arena, confined to the calling thread
     */
    @Override
    public Arena newArena() {
        return TalcArena.open(this);
    }

    /**
     * The largest alignment every address in {@code segment}'s first byte satisfies, as JDK 23's
     * {@code MemorySegment.maxByteAlignment()} (this library targets JDK 22): the address's alignment,
     * capped for heap segments by the element size of the backing array.
     */
    static long maxByteAlignment(MemorySegment segment) {
        long address = segment.address();
        long alignment = address == 0 ? 1L << 62 : Long.lowestOneBit(address);
        Object array = segment.heapBase().orElse(null);
        if (array != null) {
            long element = switch (array) {
                case long[] a -> 8;
                case double[] a -> 8;
                case int[] a -> 4;
                case float[] a -> 4;
                case short[] a -> 2;
                case char[] a -> 2;
                default -> 1;
            };
            alignment = Math.min(alignment, element);
        }
        return alignment;
    }

    /** The offset of {@code block} in {@code memory}, or throws if it is not a slice of it. */
    static long offsetIn(MemorySegment memory, String operation, MemorySegment block) {
        long offset = block.address() - memory.address();
        boolean sameKind = block.isNative() ? memory.isNative()
                : !memory.isNative() && block.heapBase().orElse(null) == memory.heapBase().orElse(null);
        if (!sameKind || offset < 0 || offset > memory.byteSize() - block.byteSize()) {
            throw Errors.foreignSegment(operation, block, memory);
        }
        return offset;
    }

    // =============================================================================================
    // Heaps: claim, extend, truncate (HeapEditor).
    // =============================================================================================

    /**
     * Claims a span of {@link #memory()} as a new heap. The span is trimmed inward to whole 16-byte
     * granules (of the address); the trimmed span is the heap, exactly as {@link #heaps()} lists it. Its
     * first 16 bytes are metadata.
     *
     * {@snippet :
     * Span heap = talc.claim(new Span(0, 1 << 20));
     * assert talc.heaps().contains(heap);
     * }
     *
     * @param span the span to claim
     * @return the heap
     * @throws IllegalArgumentException if {@code span} is not inside {@code memory}, is smaller than 48
     *                                  bytes after trimming, or overlaps a heap; nothing is changed
     */
    public Span claim(Span span) {
        return new HeapEditor(this).claim(span);
    }

    /**
     * Extends a heap to {@code newHeap} (trimmed inward to whole granules), above, below or both. Live
     * blocks stay where they are; the result says what the heap now is.
     *
     * {@snippet :
     * Span heap = talc.heaps().getFirst();
     * heap = talc.extend(heap, heap.extend(0, heap.size()));   // double it upwards
     * }
     *
     * @param heap    a heap exactly as {@link #heaps()} lists it
     * @param newHeap the span the heap should cover; it must contain {@code heap}
     * @return the heap as it now is
     * @throws IllegalArgumentException if {@code heap} is not a heap of this allocator, {@code newHeap}
     *                                  does not contain it, leaves {@code memory}, or overlaps another heap;
     *                                  nothing is changed
     */
    public Span extend(Span heap, Span newHeap) {
        return new HeapEditor(this).extend(heap, newHeap);
    }

    /**
     * Shrinks a heap towards {@code newHeap} (widened to whole granules), but never into a live block:
     * the heap keeps at least {@link #allocatedSpan(Span)} and its 16-byte sentinel below it. An empty
     * {@code newHeap} shrinks the heap as far as it can; a heap with no live block is then released
     * entirely (its memory is no longer touched) and the empty span is returned.
     *
     * {@snippet :
     * Span heap = talc.heaps().getFirst();
     * Span now = talc.truncate(heap, Span.empty());   // give back everything not in use
     * }
     *
     * @param heap    a heap exactly as {@link #heaps()} lists it
     * @param newHeap the span to shrink towards: empty, or inside {@code heap}
     * @return the heap as it now is, or an empty span if it was released
     * @throws IllegalArgumentException if {@code heap} is not a heap of this allocator, or a non-empty
     *                                  {@code newHeap} is not inside it; nothing is changed
     */
    public Span truncate(Span heap, Span newHeap) {
        return new HeapEditor(this).truncate(heap, newHeap);
    }

    /**
     * The heaps of this allocator, sorted by base.
     *
     * @return an unmodifiable snapshot of the heaps
     */
    public List<Span> heaps() {
        return heaps.list();
    }

    /**
     * The part of a heap allocations can use: all of it but its 16-byte sentinel at the base.
     *
     * @param heap a heap exactly as {@link #heaps()} lists it
     * @return {@code [heap.base + 16, heap.acme)}
     * @throws IllegalArgumentException if {@code heap} is not a heap of this allocator
     */
    public Span allocatableSpan(Span heap) {
        new HeapEditor(this).index("allocatableSpan", heap);
        return new Span(heap.base() + SENTINEL, heap.acme());
    }

    /**
     * The smallest span holding every live block of a heap, with their metadata: a heap cannot be
     * truncated past it.
     *
     * @param heap a heap exactly as {@link #heaps()} lists it
     * @return the span, or an empty span if the heap holds no live block
     * @throws IllegalArgumentException if {@code heap} is not a heap of this allocator
     */
    public Span allocatedSpan(Span heap) {
        return new HeapEditor(this).allocatedSpan(heap);
    }

    /** Refreshes the bounds of the only heap, which spare {@link #liveTag} a search when there is one. */
    void heapsChanged() {
        boolean one = heaps.count() == 1;
        blockLow = one ? heaps.base(0) + SENTINEL : 0;
        blockRoom = one ? heaps.acme(0) - blockLow : 0;
        chunks.soleHeapAcme = one ? heaps.acme(0) : Long.MIN_VALUE;
    }

    // =============================================================================================
    // Statistics and verification.
    // =============================================================================================

    /**
     * A snapshot of the counters.
     *
     * <p>Time complexity: O(gaps in the largest non-empty bin), to find the largest gap.
     *
     * <p>A slab parked by a closed arena ({@link #newArena()}) is freed first: it counts as free memory.
     *
     * @return the counters now
     */
    public TalcStats stats() {
        giveBackParkedSlab();
        return counters();
    }

    /** The counters as they are, a parked arena slab counted as the live block it is (for {@link Verifier}). */
    TalcStats counters() {
        return new TalcStats(totalAllocationCount - totalFreeCount, allocatedBytes, availableBytes(), claimedBytes, heaps.count(),
                chunks.gaps.count() + chunks.quick.count(), chunks.gaps.largest(), totalAllocationCount, totalAllocatedBytes, totalFreeCount,
                totalHeapCount, totalClaimedBytes);
    }

    /**
     * Checks every invariant of every heap: the chunks tile each heap exactly, every gap's boundary words
     * name its record and the record its bounds, no two gaps touch, tags agree with their neighbours,
     * every gap is in the right bin and every listed gap is in a heap, the bitmaps match the bins, cached
     * chunks are tagged as such, and the counters match the heaps (in checked mode, also every registered
     * block).
     *
     * <p>A slab parked by a closed arena ({@link #newArena()}) is freed first.
     *
     * <p>Time complexity: O(chunks + gaps · log gaps). Meant for tests and diagnostics.
     *
     * @throws IllegalStateException naming the first broken invariant and where
     */
    public void verify() {
        giveBackParkedSlab();
        verifyKeepingParkedSlab();
    }

    /** {@link #verify()} without giving a parked arena slab back (a live chunk to the invariants); for tests. */
    void verifyKeepingParkedSlab() {
        new Verifier(this).verify();
    }

    // ---- observability (dev.talc.TalcMXBeanRegistration) ----

    /**
     * Registers a {@link TalcMXBean} for this allocator's statistics in the platform MBean server, under
     * {@code dev.talc:type=Talc,name=<name>}, until the returned registration is closed.
     * <p>Talc is not thread-safe, so the bean never reads the allocator itself: it shows the statistics
     * last published on the owner thread with {@link TalcMXBeanRegistration#publish()} (once at
     * registration). Nothing is added to the allocation paths.
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
     * A short description: the memory, heaps and main counters.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        return "Talc[memory=" + memory + ", heaps=" + heaps.list() + ", allocationCount=" + (totalAllocationCount - totalFreeCount)
                + ", allocatedBytes=" + allocatedBytes + ", availableBytes=" + availableBytes()
                + (registry != null ? ", checked" : "") + "]";
    }

    // ---- accessors for HeapEditor, Verifier, ConcurrentTalc and tests (package-private) -----------

    Chunks chunks() {
        return chunks;
    }

    /** Counts {@code bytes} more (or fewer, if negative) claimed, and a new heap if {@code newHeap}. */
    void claimed(long bytes, boolean newHeap) {
        claimedBytes += bytes;
        if (bytes > 0) {
            totalClaimedBytes += bytes;
        }
        if (newHeap) {
            totalHeapCount++;
        }
    }

    BlockRegistry registry() {
        return registry;
    }

    /** Why the last allocation failed past the OomHandler (it threw or made no room), or null. */
    Throwable lastOomFailure() {
        return lastOomFailure;
    }

    long availableBytes() {
        return claimedBytes - heaps.count() * SENTINEL - chunks.chunkBytes + chunks.quick.bytes();
    }

    // =============================================================================================
    // Block checks (every call that names a block) and arena slabs.
    // =============================================================================================

    /**
     * Whether {@code (offset, byteSize)} is a live block of the sole heap by its tag, in unchecked mode
     * (no registry): a read of one word that never throws, for {@link ParkedSlabs}, which may call it
     * without this allocator's lock for a block the calling thread owns (so no other thread writes its tag
     * unless the block was freed meanwhile, a misuse this is there to catch). False in checked mode.
     */
    boolean holdsUncheckedLiveBlock(long offset, long byteSize) {
        long tagOffset = offset + Tag.chunkSize(byteSize) - WORD;
        return registry == null && tagInSoleHeap(offset, tagOffset, byteSize) && chunks.word(tagOffset) == (offset | ALLOCATED);
    }

    /**
     * Whether the block {@code (offset, byteSize)} and its whole tag word at {@code tagOffset} lie in the
     * sole heap (with several heaps {@code blockRoom} is 0 and the first test fails).
     */
    private boolean tagInSoleHeap(long offset, long tagOffset, long byteSize) {
        return Long.compareUnsigned(offset - blockLow, blockRoom) < 0 && tagOffset <= blockLow + blockRoom - WORD
                && Long.compareUnsigned(byteSize, MAX_BYTE_SIZE) <= 0;
    }

    /**
     * The tag of the live block {@code (offset, byteSize)}, which sits at
     * {@code offset + chunkSize(byteSize) - 8}, or throws. Changes nothing.
     */
    private long liveTag(String operation, long offset, long byteSize) {
        long tagOffset = offset + Tag.chunkSize(byteSize) - WORD;
        if (!tagInSoleHeap(offset, tagOffset, byteSize)) {
            tagOffset = tagOffsetInSomeHeap(operation, offset, byteSize);
        }
        long tag = chunks.word(tagOffset);
        if (tag != (offset | ALLOCATED) || registry != null && registry.sizeOf(offset) != byteSize) {
            throw rejected(operation, offset, byteSize, true);
        }
        return tag;
    }

    // ---- arena slabs (TalcArena): parked between scopes ------------------------------------------

    /**
     * An arena's slab of {@code size} bytes aligned to {@code alignment}: the slab the last closed arena
     * parked if it has that size (and the alignment is at most 16, as every chunk's), else a new block
     * (the parked one is freed first); -1 if none fits. A steady run of scopes then costs no allocator
     * work at all (a 16 KiB slab's allocate/free pair goes through the split/merge path).
     */
    long takeArenaSlab(long size, long alignment) {
        long offset = parkedSlab;
        if (offset >= 0 && parkedSlabSize == size && alignment <= GRANULE) {
            parkedSlab = -1;
            return offset;
        }
        giveBackParkedSlab();
        return tryAllocate(size, alignment);
    }

    /**
     * Takes back a closing arena's slab: parks it if no slab is parked and it is a live block (unchecked
     * mode only), else frees it (which rejects a slab freed through the raw API meanwhile).
     */
    void giveBackArenaSlab(long offset, long size) {
        if (parkedSlab < 0 && holdsUncheckedLiveBlock(offset, size)) {
            parkedSlab = offset;
            parkedSlabSize = size;
        } else {
            free(offset, size);
        }
    }

    /** Frees the parked arena slab, if any. */
    private void giveBackParkedSlab() {
        long offset = parkedSlab;
        if (offset >= 0) {
            parkedSlab = -1;
            free(offset, parkedSlabSize);
        }
    }

    /** Gives back a parked arena slab, then merges every chunk cached in the quick bins ({@link Chunks#flushQuickBins}). */
    void flushQuickBins() {
        giveBackParkedSlab();
        chunks.flushQuickBins();
    }

    /** Whether no arena slab is parked (for tests). */
    boolean hasNoParkedSlab() {
        return parkedSlab < 0;
    }

    private void resized(long offset, long byteSize, long newByteSize) {
        allocatedBytes += newByteSize - byteSize;
        if (registry != null) {
            registry.add(offset, newByteSize);
        }
    }

    // =============================================================================================
    // Cold paths: rejected calls and running out of memory.
    // =============================================================================================

    /** The tag offset of block {@code (offset, byteSize)} when it is not plainly inside the only heap, or throws. */
    private long tagOffsetInSomeHeap(String operation, long offset, long byteSize) {
        if (Long.compareUnsigned(byteSize, MAX_BYTE_SIZE) > 0) {
            throw rejected(operation, offset, byteSize, true);
        }
        int heap = heaps.find(offset);
        if (heap < 0) {
            throw rejected(operation, offset, byteSize, false);
        }
        long tagOffset = offset + Tag.chunkSize(byteSize) - WORD;
        if (offset < heaps.base(heap) + SENTINEL || tagOffset > heaps.acme(heap) - WORD) { // the whole word inside
            throw rejected(operation, offset, byteSize, true);
        }
        return tagOffset;
    }

    private IllegalArgumentException rejected(String operation, long offset, long byteSize, boolean inHeap) {
        String reason;
        if (byteSize < 0) {
            reason = "negative-size";
        } else if (!inHeap) {
            reason = "outside-heaps";
        } else if (registry != null && registry.sizeOf(offset) >= 0) {
            reason = "wrong-size (live block has byteSize=" + registry.sizeOf(offset) + ")";
        } else if (registry != null) {
            reason = "not-a-live-block";
        } else {
            reason = "not-allocated (double free, or not a block start)";
        }
        return Errors.badBlock(operation, reason, offset, byteSize);
    }

    /**
     * The slow allocation path: validates the request, flushes the quick bins, searches the partly
     * fitting bins, then asks the OomHandler for room as long as it makes some.
     */
    private long allocateSlow(long byteSize, long byteAlignment) {
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw Errors.badLayout(byteSize, byteAlignment);
        }
        lastOomFailure = null;
        if (byteSize > MAX_BYTE_SIZE) {
            return -1;
        }
        long offset = allocateAfterFlush(byteSize, byteAlignment);
        while (offset < 0) {
            long before = availableBytes();
            boolean retry;
            try {
                retry = onOom.handleOom(this, byteSize, byteAlignment);
            } catch (RuntimeException e) {
                TalcEvents.oomHandlerCalled(byteSize, byteAlignment, false, before, availableBytes(), e);
                lastOomFailure = e;
                return -1;
            }
            TalcEvents.oomHandlerCalled(byteSize, byteAlignment, retry, before, availableBytes(), null);
            if (!retry) {
                return -1;
            }
            if (availableBytes() <= before) {
                lastOomFailure = Errors.oomHandlerMadeNoRoom(byteSize, byteAlignment, before);
                return -1;
            }
            offset = allocateAfterFlush(byteSize, byteAlignment);
        }
        return offset;
    }

    /** Flushes the quick bins, then looks at every gap that may fit, from the block's own size class up. */
    private long allocateAfterFlush(long byteSize, long byteAlignment) {
        flushQuickBins();
        return chunks.takeAnyFit(Tag.chunkSize(byteSize), Math.max(byteAlignment, GRANULE));
    }

}

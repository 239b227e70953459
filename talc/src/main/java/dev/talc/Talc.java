package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

import static dev.talc.Tag.ABOVE_FREE;
import static dev.talc.Tag.ADDRESS_MASK;
import static dev.talc.Tag.ALLOCATED;
import static dev.talc.Tag.CACHED;
import static dev.talc.Tag.LIVE_MASK;
import static dev.talc.Tag.MAX_TAG_DISTANCE;
import static dev.talc.Tag.MIN_CHUNK;
import static dev.talc.Tag.MIN_HEAP;
import static dev.talc.Tag.NIL;
import static dev.talc.Tag.POINTER;
import static dev.talc.Tag.WORD;

/**
 * A general-purpose allocator of blocks inside memory the caller provides: a native segment from an
 * {@link java.lang.foreign.Arena}, a memory-mapped file, or a {@code long[]} on the Java heap.
 *
 * <h2>Design note</h2>
 * Talc cuts its heaps into chunks with boundary tags (layout in {@link Tag}): one word of metadata per
 * block, free chunks ("gaps") linked in size bins with a bitmap ({@link Gaps}, {@link Bins}). Hence:
 * <ul>
 * <li>{@code free} is O(1): the tag says where the chunk starts and whether the chunk above is free; the
 *     word below says whether the chunk below is free; both neighbours merge at once.</li>
 * <li>{@code allocate} is O(1) in the common case: the bitmap finds the first bin whose every gap fits,
 *     alignment included (so high alignment costs no search). Only before giving up does it scan the
 *     single partly-fitting bin, then call the {@link OomHandler}.</li>
 * <li>{@code reallocate} grows in place into a free chunk above, and shrinks in place.</li>
 * <li>Bad frees are caught before anything changes (double frees always; everything in checked mode),
 *     and every memory access goes through the bounds-checked segment: a bug cannot crash the JVM.</li>
 * </ul>
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
 * offset, an interior offset or a wrong size is detected in <em>checked mode</em>
 * ({@link Builder#checked(boolean)} or {@code -Ddev.talc.checked=true}), which keeps a registry of live
 * blocks; without it, such calls may corrupt the allocator's own heaps (never the JVM or memory outside).
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
    /** Blocks aligned to at most this need at most 8 bytes of padding, which joins their chunk. */
    private static final long SMALL_ALIGNMENT = 16;

    private static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment memory;
    /** {@code memory.address()}: alignment is of addresses, offsets are relative to this. */
    private final long addressBase;
    private final OomHandler onOom;
    private final Gaps gaps;
    private final QuickBins quick = new QuickBins();
    private final Heaps heaps = new Heaps();
    /** Live blocks, only in checked mode; null otherwise. */
    private final BlockRegistry registry;

    // Live counters (hot paths); the live block count is totalAllocationCount - totalFreeCount.
    private long allocatedBytes;
    /** Bytes in allocated chunks, tags and padding included. */
    private long chunkBytes;
    // Totals since creation (hot paths).
    private long totalAllocationCount;
    private long totalAllocatedBytes;
    private long totalFreeCount;
    // Heap counters (cold paths).
    private long claimedBytes;
    private long totalHeapCount;
    private long totalClaimedBytes;
    /** The bounds of the heap when there is exactly one, else {@code [MAX_VALUE, MIN_VALUE)}: see tagOf. */
    private long soleHeapBase = Long.MAX_VALUE;
    private long soleHeapAcme = Long.MIN_VALUE;
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
        this.addressBase = memory.address();
        this.gaps = new Gaps();
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
     *                                  smaller than 40 bytes
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
     * blocks are distinct blocks.
     *
     * <p>Time complexity: O(1), except when nothing fits: then O(gaps in one bin) before the handler.
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
            offset = take(byteSize, byteAlignment);
        }
        if (offset < 0) {
            offset = allocateSlow(byteSize, byteAlignment);
        }
        if (registry != null && offset >= 0) {
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
        return freeAt(offset, byteSize, tagOf("free", offset, byteSize));
    }

    /**
     * Frees the live block {@code (offset, byteSize)} whose tag {@link #tagOf} found at {@code tagOffset};
     * returns the size of the gap it merged into, or {@code Long.MAX_VALUE} if it was cached.
     */
    private long freeAt(long offset, long byteSize, long tagOffset) {
        long tag = word(tagOffset);
        long base = tag & ADDRESS_MASK;
        long acme = tagOffset + WORD;
        // Only a chunk with no free neighbour is cached: it would not merge with anything now, so
        // caching it costs no contiguity (caching every small chunk cost 0.8 points of heap efficiency).
        long gapSize;
        if (!Tag.isAboveFree(tag) && Tag.isAllocated(word(base - WORD)) && quick.offer(memory, base, acme - base)) {
            setWord(tagOffset, tag | CACHED);
            chunkBytes -= acme - base;
            gapSize = Long.MAX_VALUE;
        } else {
            gapSize = release(base, acme, tag);
        }
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
        long tagOffset = tagOf("reallocate", offset, byteSize);
        if (resizeInPlace(offset, byteSize, byteAlignment, newByteSize, tagOffset)) {
            return offset;
        }
        long moved = tryAllocate(newByteSize, byteAlignment);
        if (moved < 0) {
            return -1;
        }
        MemorySegment.copy(memory, offset, memory, moved, Math.min(byteSize, newByteSize));
        // The old block is still live and where it was (an allocation never moves one), so its tag is too.
        freeAt(offset, byteSize, tagOffset);
        return moved;
    }

    /**
     * Validates the block, then shrinks it or grows it in place if its alignment allows; returns whether
     * it now has {@code newByteSize} bytes. For {@link ConcurrentTalc}, which moves blocks itself.
     */
    boolean tryResizeInPlace(long offset, long byteSize, long byteAlignment, long newByteSize) {
        return resizeInPlace(offset, byteSize, byteAlignment, newByteSize, tagOf("reallocate", offset, byteSize));
    }

    private boolean resizeInPlace(long offset, long byteSize, long byteAlignment, long newByteSize, long tagOffset) {
        if (((addressBase + offset) & (byteAlignment - 1)) != 0) {
            return false;
        }
        if (newByteSize <= byteSize) {
            shrinkAt(offset, byteSize, newByteSize, tagOffset);
            return true;
        }
        return newByteSize <= MAX_BYTE_SIZE && growAt(offset, byteSize, newByteSize, tagOffset);
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
        long tagOffset = tagOf("tryGrowInPlace", offset, byteSize);
        return newByteSize <= MAX_BYTE_SIZE && growAt(offset, byteSize, newByteSize, tagOffset);
    }

    /**
     * Shrinks a block in place, returning the freed tail to the heap when it is large enough to be a gap.
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
        shrinkAt(offset, byteSize, newByteSize, tagOf("shrink", offset, byteSize));
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
    // Heaps: claim, extend, truncate.
    // =============================================================================================

    /**
     * Claims a span of {@link #memory()} as a new heap. The span is trimmed inward to whole 8-byte words;
     * the trimmed span is the heap, exactly as {@link #heaps()} lists it. One word of it is metadata.
     *
     * {@snippet :
     * Span heap = talc.claim(new Span(0, 1 << 20));
     * assert talc.heaps().contains(heap);
     * }
     *
     * @param span the span to claim
     * @return the heap
     * @throws IllegalArgumentException if {@code span} is not inside {@code memory}, is smaller than 40
     *                                  bytes after trimming, or overlaps a heap; nothing is changed
     */
    public Span claim(Span span) {
        Objects.requireNonNull(span, "span");
        checkInMemory("claim", span);
        Span heap = span.wordAlignInward();
        if (heap.size() < MIN_HEAP) {
            throw Errors.badSpan("claim", "too-small", span, "minimumBytes=" + MIN_HEAP + " (after aligning to 8)");
        }
        int other = heaps.overlapping(heap.base(), heap.acme(), -1);
        if (other >= 0) {
            throw Errors.badSpan("claim", "overlaps-heap", span, "heap=" + heaps.span(other));
        }
        setWord(heap.base(), heap.base() | ALLOCATED | ABOVE_FREE);
        gaps.insert(memory, heap.base() + WORD, heap.size() - WORD);
        heaps.add(heap.base(), heap.acme());
        heapsChanged();
        claimedBytes += heap.size();
        totalClaimedBytes += heap.size();
        totalHeapCount++;
        TalcEvents.heapChanged("claim", Span.empty(), heap);
        return heap;
    }

    /**
     * Extends a heap to {@code newHeap} (trimmed inward to whole words), above, below or both. Live blocks
     * stay where they are. A sliver of fewer than 32 bytes next to a live block cannot be used and is left
     * out; the result says what the heap now is.
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
        int index = heapIndex("extend", heap);
        Objects.requireNonNull(newHeap, "newHeap");
        checkInMemory("extend", newHeap);
        Span target = newHeap.wordAlignInward();
        if (!target.contains(heap)) {
            throw Errors.badSpan("extend", "does-not-contain-heap", newHeap, "heap=" + heap);
        }
        int other = heaps.overlapping(target.base(), target.acme(), index);
        if (other >= 0) {
            throw Errors.badSpan("extend", "overlaps-heap", newHeap, "heap=" + heaps.span(other));
        }
        long base = heap.base();
        long acme = heap.acme();
        long newBase = target.base();
        long newAcme = target.acme();
        if (newAcme > acme) {
            long top = word(acme - WORD);
            if (!Tag.isAllocated(top)) {
                long gapBase = acme - top;
                gaps.replace(memory, gapBase, top, gapBase, newAcme - gapBase);
            } else if (newAcme - acme >= MIN_CHUNK) {
                gaps.insert(memory, acme, newAcme - acme);
                setWord(acme - WORD, top | ABOVE_FREE);
            } else {
                newAcme = acme;
            }
        }
        if (newBase < base) {
            long sentinel = word(base);
            if (Tag.isAboveFree(sentinel)) {
                long gapSize = word(base + WORD);
                setWord(base, NIL); // the old sentinel is now inside the gap
                gaps.replace(memory, base + WORD, gapSize, newBase + WORD, base + gapSize - newBase);
                setWord(newBase, newBase | ALLOCATED | ABOVE_FREE);
            } else if (base - newBase >= MIN_CHUNK) {
                gaps.insert(memory, newBase + WORD, base - newBase);
                setWord(newBase, newBase | ALLOCATED | ABOVE_FREE);
            } else {
                newBase = base;
            }
        }
        heaps.update(index, newBase, newAcme);
        heapsChanged();
        long added = (newAcme - newBase) - heap.size();
        claimedBytes += added;
        totalClaimedBytes += added;
        Span result = new Span(newBase, newAcme);
        TalcEvents.heapChanged("extend", heap, result);
        return result;
    }

    /**
     * Shrinks a heap towards {@code newHeap} (widened to whole words), but never into a live block: the
     * heap keeps at least {@link #allocatedSpan(Span)}, and gaps left at its ends are at least 32 bytes.
     * An empty {@code newHeap} shrinks the heap as far as it can; a heap with no live block is then
     * released entirely (its memory is no longer touched) and the empty span is returned.
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
        int index = heapIndex("truncate", heap);
        Objects.requireNonNull(newHeap, "newHeap");
        if (!heap.contains(newHeap)) { // before any change; the heap's bounds are whole words, so aligning keeps it inside
            throw Errors.badSpan("truncate", "not-inside-heap", newHeap, "heap=" + heap);
        }
        flushQuickBins();
        Span target = newHeap.isEmpty() ? Span.empty() : newHeap.wordAlignOutward();
        long base = heap.base();
        long acme = heap.acme();
        long lo = lowestLive(base);
        long hi = highestLive(acme);
        long newBase;
        long newAcme;
        if (lo >= acme) {
            // No live block: one gap [base + 8, acme).
            if (target.isEmpty()) {
                gaps.remove(memory, base + WORD, acme - base - WORD);
                heaps.remove(index);
                heapsChanged();
                claimedBytes -= heap.size();
                TalcEvents.heapChanged("truncate", heap, Span.empty());
                return Span.empty();
            }
            newBase = target.base();
            newAcme = Math.max(target.acme(), Math.min(acme, newBase + MIN_HEAP));
            newBase = Math.min(newBase, newAcme - MIN_HEAP);
            gaps.remove(memory, base + WORD, acme - base - WORD);
            setWord(newBase, newBase | ALLOCATED | ABOVE_FREE);
            gaps.insert(memory, newBase + WORD, newAcme - newBase - WORD);
        } else {
            newBase = target.isEmpty() ? lo - WORD : Math.min(target.base(), lo - WORD);
            newAcme = target.isEmpty() ? hi : Math.max(target.acme(), hi);
            long low = lo - (newBase + WORD);
            if (low > 0 && low < MIN_CHUNK) {
                newBase = lo - WORD - MIN_CHUNK;
                low = MIN_CHUNK;
            }
            long high = newAcme - hi;
            if (high > 0 && high < MIN_CHUNK) {
                newAcme = hi + MIN_CHUNK;
                high = MIN_CHUNK;
            }
            if (newBase != base) {
                gaps.remove(memory, base + WORD, lo - base - WORD);
                setWord(newBase, newBase | ALLOCATED | (low > 0 ? ABOVE_FREE : 0));
                if (low > 0) {
                    gaps.insert(memory, newBase + WORD, low);
                }
            }
            if (newAcme != acme) {
                gaps.remove(memory, hi, acme - hi);
                if (high > 0) {
                    gaps.insert(memory, hi, high);
                } else {
                    setWord(hi - WORD, word(hi - WORD) & ~ABOVE_FREE);
                }
            }
        }
        heaps.update(index, newBase, newAcme);
        heapsChanged();
        claimedBytes -= heap.size() - (newAcme - newBase);
        Span result = new Span(newBase, newAcme);
        TalcEvents.heapChanged("truncate", heap, result);
        return result;
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
     * The part of a heap allocations can use: all of it but its one-word sentinel at the base.
     *
     * @param heap a heap exactly as {@link #heaps()} lists it
     * @return {@code [heap.base + 8, heap.acme)}
     * @throws IllegalArgumentException if {@code heap} is not a heap of this allocator
     */
    public Span allocatableSpan(Span heap) {
        heapIndex("allocatableSpan", heap);
        return new Span(heap.base() + WORD, heap.acme());
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
        heapIndex("allocatedSpan", heap);
        flushQuickBins();
        long lo = lowestLive(heap.base());
        return lo >= heap.acme() ? Span.empty() : new Span(lo, highestLive(heap.acme()));
    }

    /** The base of the lowest chunk of the heap at {@code base} that is not a gap. */
    private long lowestLive(long base) {
        return Tag.isAboveFree(word(base)) ? base + WORD + word(base + WORD) : base + WORD;
    }

    /** The acme of the highest chunk of the heap ending at {@code acme} that is not a gap. */
    private long highestLive(long acme) {
        long top = word(acme - WORD);
        return Tag.isAllocated(top) ? acme : acme - top;
    }

    private int heapIndex(String operation, Span heap) {
        Objects.requireNonNull(heap, "heap");
        int index = heaps.indexOf(heap);
        if (index < 0) {
            throw Errors.badSpan(operation, "not-a-heap", heap, "heaps=" + heaps.list());
        }
        return index;
    }

    private void checkInMemory(String operation, Span span) {
        if (span.base() < 0 || span.acme() > memory.byteSize() || span.isEmpty()) {
            throw Errors.badSpan(operation, span.isEmpty() ? "empty" : "outside-memory", span,
                    "memoryBytes=" + memory.byteSize());
        }
    }

    // =============================================================================================
    // Statistics and verification.
    // =============================================================================================

    /**
     * A snapshot of the counters.
     *
     * <p>Time complexity: O(gaps in the largest non-empty bin), to find the largest gap.
     *
     * @return the counters now
     */
    public TalcStats stats() {
        return new TalcStats(totalAllocationCount - totalFreeCount, allocatedBytes, availableBytes(), claimedBytes, heaps.count(),
                gaps.count() + quick.count(), gaps.largest(memory), totalAllocationCount, totalAllocatedBytes, totalFreeCount,
                totalHeapCount, totalClaimedBytes);
    }

    /**
     * Checks every invariant of every heap: the chunks tile each heap exactly, gap sizes agree at both
     * ends, no two gaps touch, tags agree with their neighbours, every gap is in the right bin and every
     * listed gap is in a heap, the bitmaps match the bins, and the counters match the heaps (in checked
     * mode, also every registered block).
     *
     * <p>Time complexity: O(chunks + gaps · log gaps). Meant for tests and diagnostics.
     *
     * @throws IllegalStateException naming the first broken invariant and where
     */
    public void verify() {
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

    // ---- accessors for Verifier, ConcurrentTalc and tests (package-private) ----------------------

    Gaps gaps() {
        return gaps;
    }

    Heaps heapList() {
        return heaps;
    }

    QuickBins quickBins() {
        return quick;
    }

    BlockRegistry registry() {
        return registry;
    }

    long chunkBytes() {
        return chunkBytes;
    }

    /** Why the last allocation failed past the OomHandler (it threw or made no room), or null. */
    Throwable lastOomFailure() {
        return lastOomFailure;
    }

    long availableBytes() {
        return claimedBytes - heaps.count() * WORD - chunkBytes;
    }

    long word(long offset) {
        return memory.get(WORD_LAYOUT, offset);
    }

    // =============================================================================================
    // Hot paths.
    // =============================================================================================

    private void setWord(long offset, long value) {
        memory.set(WORD_LAYOUT, offset, value);
    }

    /** The chunk a block of {@code byteSize} bytes needs at least: its words, its tag, the minimum. */
    private static long chunkSize(long byteSize) {
        return Math.max((byteSize + (2 * WORD - 1)) & ADDRESS_MASK, MIN_CHUNK);
    }

    /**
     * Allocates from the quick bins or from the first bin that surely fits the block, alignment
     * included; returns -1 if neither has room.
     */
    private long take(long byteSize, long byteAlignment) {
        long chunk = chunkSize(byteSize);
        if (chunk <= QuickBins.LIMIT && byteAlignment <= SMALL_ALIGNMENT) {
            long base = quick.head(chunk);
            if (base != NIL && ((addressBase + base) & (byteAlignment - 1)) == 0) {
                return reuseCached(base, chunk, byteSize);
            }
        }
        if (chunk >= Bins.LINEAR_LIMIT) {
            long offset = takeFromPartialBin(chunk, byteSize, Math.max(byteAlignment, WORD));
            if (offset >= 0) {
                return offset;
            }
        }
        int bin = gaps.firstFrom(Bins.fitting(byteAlignment <= WORD ? chunk : chunk + byteAlignment - WORD));
        if (bin < 0) {
            return -1;
        }
        long gapAcme = gaps.head(bin);
        long gapSize = word(gapAcme - WORD);
        return carve(gapAcme - gapSize, gapSize, byteSize, byteAlignment);
    }

    /** Number of gaps of the partly-fitting bin looked at before splitting a gap of a larger bin. */
    private static final int PARTIAL_BIN_PROBES = 8;

    /**
     * Best fit among the first few gaps of the block's own, partly-fitting, bin (sizes within 12.5% of
     * the request): using a near-exact gap instead of splitting a larger one keeps large gaps large.
     */
    private long takeFromPartialBin(long chunk, long byteSize, long byteAlignment) {
        int bin = Bins.bin(chunk);
        long best = NIL;
        long bestSize = Long.MAX_VALUE;
        int probes = PARTIAL_BIN_PROBES;
        for (long acme = gaps.head(bin); acme != NIL && probes-- > 0; acme = gaps.next(memory, acme)) {
            long size = word(acme - WORD);
            if (size >= chunk && size < bestSize && fits(acme - size, size, byteSize, byteAlignment)) {
                best = acme;
                bestSize = size;
            }
        }
        if (best == NIL) {
            return -1;
        }
        return carve(best - bestSize, bestSize, byteSize, byteAlignment);
    }

    /** Hands out the cached chunk {@code [base, base + chunk)}, the head of its quick bin, as a block. */
    private long reuseCached(long base, long chunk, long byteSize) {
        quick.pop(memory, chunk, base);
        long tagOffset = base + chunk - WORD;
        setWord(tagOffset, word(tagOffset) & ~CACHED);
        long post = (base + byteSize + (WORD - 1)) & ADDRESS_MASK;
        if (post != tagOffset) {
            setWord(post, tagOffset | POINTER);
        }
        allocated(base, base + chunk, byteSize);
        return base;
    }

    /**
     * Puts a block at the first suitably aligned offset of the gap {@code [gapBase, gapBase + gapSize)},
     * which must fit it. What stays above the block keeps the gap's node (so in
     * the same bin only its SIZE words change); padding below that is large enough to be a gap becomes
     * one, smaller padding joins the block's chunk. Carving from the bottom leaves the free space above
     * the new block, where a later reallocation can grow in place.
     */
    private long carve(long gapBase, long gapSize, long byteSize, long byteAlignment) {
        long gapAcme = gapBase + gapSize;
        long offset = byteAlignment <= WORD ? gapBase : alignUp(gapBase, byteAlignment);
        long padding = offset - gapBase;
        long chunkBase = padding >= MIN_CHUNK ? offset : gapBase;
        long post = (offset + byteSize + (WORD - 1)) & ADDRESS_MASK;
        long tagOffset = Math.max(post, chunkBase + (MIN_CHUNK - WORD));
        long rest = gapAcme - tagOffset - WORD;
        long tag = chunkBase | ALLOCATED;
        if (rest >= MIN_CHUNK) {
            gaps.replace(memory, gapBase, gapSize, tagOffset + WORD, rest);
            tag |= ABOVE_FREE;
        } else {
            gaps.remove(memory, gapBase, gapSize);
            tagOffset = gapAcme - WORD;
        }
        if (padding >= MIN_CHUNK) {
            gaps.insert(memory, gapBase, padding);
        } else {
            setWord(gapBase - WORD, word(gapBase - WORD) & ~ABOVE_FREE);
        }
        setWord(tagOffset, tag);
        if (post != tagOffset) {
            setWord(post, tagOffset | POINTER);
        }
        allocated(chunkBase, tagOffset + WORD, byteSize);
        return offset;
    }

    private void allocated(long chunkBase, long chunkAcme, long byteSize) {
        chunkBytes += chunkAcme - chunkBase;
        allocatedBytes += byteSize;
        totalAllocationCount++;
        totalAllocatedBytes += byteSize;
    }

    /**
     * Finds the tag of the live block {@code (offset, byteSize)} and returns its offset, or throws.
     * Changes nothing.
     */
    private long tagOf(String operation, long offset, long byteSize) {
        long heapBase = soleHeapBase;
        long heapAcme = soleHeapAcme;
        if (offset < heapBase || offset >= heapAcme) { // not in the only heap, or there are several
            int heap = heaps.find(offset);
            if (heap < 0) {
                throw rejected(operation, offset, byteSize, false);
            }
            heapBase = heaps.base(heap);
            heapAcme = heaps.acme(heap);
        }
        long post = (offset + byteSize + (WORD - 1)) & ADDRESS_MASK;
        if (Long.compareUnsigned(byteSize, MAX_BYTE_SIZE) > 0 || post > heapAcme - WORD
                || registry != null && registry.sizeOf(offset) != byteSize) {
            throw rejected(operation, offset, byteSize, true);
        }
        long tagOffset = post;
        long tag = word(post);
        if (!Tag.isAllocated(tag)) {
            tagOffset = tag - POINTER;
            if (!Tag.isPointer(tag) || tagOffset <= post || tagOffset - post > MAX_TAG_DISTANCE
                    || tagOffset > heapAcme - WORD) {
                throw rejected(operation, offset, byteSize, true);
            }
            tag = word(tagOffset);
        }
        long base = tag & ADDRESS_MASK;
        // A block starts less than MIN_CHUNK above its chunk's base (larger padding becomes a gap of its
        // own), so an offset further in is an interior pointer, cheaply rejected even in default mode.
        if ((tag & LIVE_MASK) != ALLOCATED || base > offset || offset - base >= MIN_CHUNK
                || base < heapBase + WORD || tagOffset + WORD - base < MIN_CHUNK) {
            throw rejected(operation, offset, byteSize, true);
        }
        return tagOffset;
    }

    /** Refreshes the bounds of the only heap, which spare {@link #tagOf} a search when there is one. */
    private void heapsChanged() {
        boolean one = heaps.count() == 1;
        soleHeapBase = one ? heaps.base(0) : Long.MAX_VALUE;
        soleHeapAcme = one ? heaps.acme(0) : Long.MIN_VALUE;
    }

    /**
     * Frees the chunk {@code [base, acme)} with tag {@code tag}, merging it with free neighbours; returns
     * the size of the gap it became part of.
     */
    private long release(long base, long acme, long tag) {
        chunkBytes -= acme - base;
        long below = word(base - WORD);
        boolean belowFree = !Tag.isAllocated(below);
        if (!belowFree) {
            setWord(base - WORD, below | ABOVE_FREE);
        }
        if (Tag.isAboveFree(tag)) {
            // The gap above grows down over this chunk (and the gap below, if any): its node stays put.
            long aboveSize = word(acme);
            setWord(acme - WORD, NIL); // the tag is now inside a gap: a second free must not find it
            long gapBase = base;
            if (belowFree) {
                gapBase = base - below;
                gaps.remove(memory, gapBase, below);
            }
            gaps.replace(memory, acme, aboveSize, gapBase, acme + aboveSize - gapBase);
            return acme + aboveSize - gapBase;
        } else if (belowFree) {
            gaps.replace(memory, base - below, below, base - below, acme - base + below);
            return acme - base + below;
        } else {
            gaps.insert(memory, base, acme - base);
            return acme - base;
        }
    }

    /** Grows the live block whose tag is at {@code tagOffset} in place, if it can. */
    private boolean growAt(long offset, long byteSize, long newByteSize, long tagOffset) {
        long tag = word(tagOffset);
        long base = tag & ADDRESS_MASK;
        long acme = tagOffset + WORD;
        long post = (offset + newByteSize + (WORD - 1)) & ADDRESS_MASK;
        long needed = Math.max(post, base + (MIN_CHUNK - WORD)) + WORD;
        if (needed <= acme) {
            if (post != tagOffset) {
                setWord(post, tagOffset | POINTER);
            }
        } else {
            if (!Tag.isAboveFree(tag)) {
                return false;
            }
            long aboveSize = word(acme);
            long gapAcme = acme + aboveSize;
            if (needed > gapAcme) {
                return false;
            }
            setWord(tagOffset, NIL); // the old tag is now block memory: a free with the old size must fail
            long newTagOffset;
            if (gapAcme - needed >= MIN_CHUNK) {
                gaps.replace(memory, acme, aboveSize, needed, gapAcme - needed);
                newTagOffset = needed - WORD;
                setWord(newTagOffset, base | ALLOCATED | ABOVE_FREE);
            } else {
                gaps.remove(memory, acme, aboveSize);
                newTagOffset = gapAcme - WORD;
                setWord(newTagOffset, base | ALLOCATED);
            }
            if (post != newTagOffset) {
                setWord(post, newTagOffset | POINTER);
            }
            chunkBytes += newTagOffset + WORD - acme;
        }
        resized(offset, byteSize, newByteSize);
        return true;
    }

    /** Shrinks the live block whose tag is at {@code tagOffset} in place. */
    private void shrinkAt(long offset, long byteSize, long newByteSize, long tagOffset) {
        long tag = word(tagOffset);
        long base = tag & ADDRESS_MASK;
        long acme = tagOffset + WORD;
        long post = (offset + newByteSize + (WORD - 1)) & ADDRESS_MASK;
        long newTagOffset = Math.max(post, base + (MIN_CHUNK - WORD));
        long gapBase = newTagOffset + WORD;
        if (acme - gapBase >= MIN_CHUNK) {
            setWord(tagOffset, NIL);
            if (Tag.isAboveFree(tag)) {
                long aboveSize = word(acme);
                gaps.replace(memory, acme, aboveSize, gapBase, acme + aboveSize - gapBase);
            } else {
                gaps.insert(memory, gapBase, acme - gapBase);
            }
            setWord(newTagOffset, base | ALLOCATED | ABOVE_FREE);
            if (post != newTagOffset) {
                setWord(post, newTagOffset | POINTER);
            }
            chunkBytes -= acme - gapBase;
        } else if (post != tagOffset) {
            setWord(post, tagOffset | POINTER);
        }
        resized(offset, byteSize, newByteSize);
    }

    /**
     * Merges every chunk cached in the quick bins into the gaps, as ordinary frees would have. Called
     * before an allocation may fail and before heaps are truncated or measured, so cached chunks never
     * strand memory.
     */
    private void flushQuickBins() {
        if (quick.isEmpty()) {
            return;
        }
        word(heaps.base(0)); // a closed arena or another thread's segment throws here, before any chunk leaves its list
        for (int list = 0; list < quick.lists(); list++) {
            long chunk = QuickBins.sizeOfList(list);
            for (long base = quick.take(list); base != NIL; ) {
                long next = quick.next(memory, base); // read first: the release overwrites it
                long tagOffset = base + chunk - WORD;
                chunkBytes += chunk; // release() takes it off again
                release(base, base + chunk, word(tagOffset) & ~CACHED);
                base = next;
            }
        }
    }

    private void resized(long offset, long byteSize, long newByteSize) {
        allocatedBytes += newByteSize - byteSize;
        if (registry != null) {
            registry.add(offset, newByteSize);
        }
    }

    private long alignUp(long offset, long byteAlignment) {
        return ((addressBase + offset + byteAlignment - 1) & -byteAlignment) - addressBase;
    }

    // =============================================================================================
    // Cold paths: rejected calls and running out of memory.
    // =============================================================================================

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
     * The slow allocation path: validates the request, scans the partly-fitting bins, then asks the
     * OomHandler for room as long as it makes some.
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

    /** Flushes the quick bins, then tries the surely-fitting bins and the partly-fitting ones. */
    private long allocateAfterFlush(long byteSize, long byteAlignment) {
        flushQuickBins();
        long offset = take(byteSize, byteAlignment);
        return offset >= 0 ? offset : searchPartialBins(byteSize, byteAlignment);
    }

    /**
     * Looks at every gap in the bins that may or may not fit the block (those below the first surely
     * fitting bin, from the block's own size class up) and takes the first that does.
     */
    private long searchPartialBins(long byteSize, long byteAlignment) {
        long chunk = chunkSize(byteSize);
        long alignment = Math.max(byteAlignment, WORD);
        int surelyFitting = Bins.fitting(Math.min(chunk + alignment - WORD, Long.MAX_VALUE & ADDRESS_MASK));
        for (int bin = gaps.firstFrom(Bins.bin(chunk)); bin >= 0 && bin < surelyFitting; bin = gaps.firstFrom(bin + 1)) {
            for (long gapAcme = gaps.head(bin); gapAcme != NIL; gapAcme = gaps.next(memory, gapAcme)) {
                long gapSize = gaps.sizeBelow(memory, gapAcme);
                long gap = gapAcme - gapSize;
                if (fits(gap, gapSize, byteSize, alignment)) {
                    return carve(gap, gapSize, byteSize, alignment);
                }
            }
        }
        return -1;
    }

    /** Whether the block fits the gap where the carving methods would place it. */
    private boolean fits(long gapBase, long gapSize, long byteSize, long alignment) {
        long offset = alignUp(gapBase, alignment);
        long chunkBase = offset - gapBase >= MIN_CHUNK ? offset : gapBase;
        long post = (offset + byteSize + (WORD - 1)) & ADDRESS_MASK;
        return Math.max(post, chunkBase + (MIN_CHUNK - WORD)) + WORD <= gapBase + gapSize;
    }
}

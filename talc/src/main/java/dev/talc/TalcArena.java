package dev.talc;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * A confined {@link Arena} whose segments are carved from a {@link TalcAllocator}'s memory and die when it
 * closes: what {@link TalcAllocator#newArena()} returns.
 *
 * <h2>Design note</h2>
 * <ul>
 * <li><b>Scope.</b> Each arena owns one JDK confined session ({@link Arena#ofConfined()}). A segment is a
 *     slice of the allocator's memory given that session's scope with
 *     {@link MemorySegment#reinterpret(Arena, java.util.function.Consumer)} (exactly the slice: never a
 *     segment wider than what was asked for). Closing the session first is what makes every segment
 *     inaccessible (the JDK then rejects each access with {@link IllegalStateException}); only then do the
 *     blocks go back to the allocator, so no live segment can ever see a reused block.</li>
 * <li><b>Blocks: slabs and a bump pointer.</b> The arena takes a 4 KiB block (a <em>slab</em>) when it
 *     opens and hands out aligned slices of it, bumping a cursor; a request that does not fit takes a new
 *     slab, twice the size of the last (up to 64 KiB), or, if it is larger than half a slab, a block of its
 *     own. So a scope of up to 4 KiB of small segments costs one allocate and one free of the allocator,
 *     however many segments it makes. Once a slab does not fit in the allocator, the arena takes blocks
 *     of exactly the size asked for, so it fails with {@link OutOfMemoryError} only when the request
 *     itself does not fit.</li>
 * <li><b>The record.</b> The first slab's offset is a field; later blocks go into a {@code long[]} of
 *     (offset, size) pairs, made on the second block and doubled when full. No Java object per segment
 *     beyond the segment itself.</li>
 * <li><b>Zeroing.</b> Every segment is zeroed, as the JDK's arenas do. The {@code allocateFrom} helpers
 *     skip it for the one allocation the JDK's default implementation makes and overwrites in full at
 *     once (its {@code @implSpec}); the JDK's own arenas skip it there the same way.</li>
 * <li><b>Checks before changes.</b> Owner thread, open state and the layout are checked before the
 *     cursor moves or the allocator is called; {@link #close()} closes the session (which can refuse, e.g.
 *     while a downcall holds it) before freeing anything, then frees every block even if one free
 *     throws.</li>
 * </ul>
 *
 * <h2>Costs per scope, and the alternatives measured</h2>
 * A scope costs: the JDK session (three small objects, 80 bytes), this object (about 64 bytes), one
 * allocate and one free of the allocator for the first slab, and per segment a bounds check, a bump, the
 * zeroing and the segment object (40 bytes; the JIT removes it when the segment does not escape and this
 * class's methods inline). Measured in JMH on the 2-core development machine against
 * {@code Arena.ofConfined()} (one scope: open, allocate, write one long, close; {@code ArenaScopeBenchmark}):
 * <ul>
 * <li>One allocator block per segment, recorded in a {@code long[]} made per scope: 232 B and 1.3-1.5x the
 *     JDK's time with one 8-byte segment, 1.6-2x with ten; a block per segment costs an allocate/free pair
 *     of the allocator (about 20-25 ns), about what the JDK's whole malloc-backed allocation costs.</li>
 * <li>The same with the record in the allocator's memory (16 bytes after each block: the previous
 *     record's offset and the size): no array, 152 B per scope, still a pair per segment (0.9-1.5x).</li>
 * <li>Slabs taken lazily, at the first allocation: the slow path then runs in every scope, and with it
 *     inlined the allocate method compiles too large for the JIT to inline into its caller, so the
 *     segments escape (200 B per scope against 160 B for the eager slab, and 10-15% slower).</li>
 * </ul>
 * The JDK's confined arena is built for escape analysis: in these loops its session and segments vanish
 * and only its 48-byte free action per segment is allocated. This arena's session is created in
 * {@code newArena()}, whose call into the allocator is too large to inline, so the session and this
 * object stay on the heap.
 *
 * @apiNote Confined: only the thread that created the arena may allocate from it or close it (as
 *          {@link Arena#ofConfined()}); its segments are accessible only from that thread. The allocator
 *          itself may be used by other threads meanwhile if it is thread-safe ({@link ConcurrentTalc}).
 */
final class TalcArena implements Arena {
    /** The slab taken when the arena opens. */
    static final long FIRST_SLAB = 4 << 10;
    /** Slabs double up to this size. */
    static final long MAX_SLAB = 64 << 10;
    /** Slabs are aligned to at least this (malloc's alignment), so small aligned requests need no padding. */
    private static final long SLAB_ALIGNMENT = 16;
    /** Requests aligned to more than this skip the bump path (keeps its arithmetic far from overflow). */
    private static final long MAX_BUMP_ALIGNMENT = 4096;
    /** Whether a restricted method has been called successfully from this module (native access allowed). */
    private static volatile boolean nativeAccessChecked;

    private final TalcAllocator allocator;
    private final Arena session;
    private final Thread owner;
    /** The free part of the current slab, {@code [cursor, limit)}, in offsets of the memory; empty if none. */
    private long cursor;
    private long limit;
    /** The size of the next slab; 0 once a slab did not fit (then every request gets a block of its own). */
    private int nextSlab = (int) FIRST_SLAB;
    /** The offset of the first slab ({@link #FIRST_SLAB} bytes), or -1 if it could not be had. */
    private long firstSlab = -1;
    /** Every other block: (offset, size) pairs, {@code blockCount} of them; null until the first. */
    private long[] blocks;
    private int blockCount;
    /** True during an {@code allocateFrom} helper: its one allocation is overwritten at once, not zeroed. */
    private boolean overwritten;

    private TalcArena(TalcAllocator allocator) {
        this.allocator = allocator;
        this.session = Arena.ofConfined();
        this.owner = Thread.currentThread();
    }

    /**
     * Opens an arena over {@code allocator}, taking its first slab.
     *
     * @throws UnsupportedOperationException if the allocator's memory is not native
     * @throws IllegalCallerException        if this module may not call restricted methods
     */
    static Arena open(TalcAllocator allocator) {
        MemorySegment memory = allocator.memory();
        if (!memory.isNative()) {
            throw new UnsupportedOperationException("newArena needs native memory: reason=heap-memory (a heap "
                    + "segment cannot be given another scope; use a native or mapped segment) memory=" + memory);
        }
        if (!nativeAccessChecked) {
            checkNativeAccess();
        }
        TalcArena arena = new TalcArena(allocator);
        long slab;
        try {
            slab = allocator.tryAllocate(FIRST_SLAB, SLAB_ALIGNMENT);
        } catch (RuntimeException | Error e) {
            arena.session.close();   // the memory's arena closed or confined elsewhere: nothing was taken
            throw e;
        }
        if (slab >= 0) {
            arena.firstSlab = slab;
            arena.cursor = slab;
            arena.limit = slab + FIRST_SLAB;
            arena.nextSlab = (int) (2 * FIRST_SLAB);
        } else {
            arena.nextSlab = 0;   // no room for a slab: blocks of exactly the size asked for
        }
        return arena;
    }

    /**
     * Calls a restricted method once, so that a module without native access fails here, with a message
     * naming the flag, rather than at its first allocation (and so that the JDK's warning, when access is
     * not enabled but allowed, comes when the first arena opens).
     */
    private static void checkNativeAccess() {
        try {
            MemorySegment.NULL.reinterpret(0);
        } catch (IllegalCallerException e) {
            Module module = TalcArena.class.getModule();
            String name = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            throw new IllegalCallerException("newArena needs native access: reason=native-access-denied module="
                    + module + " (run with --enable-native-access=" + name + ")", e);
        }
        nativeAccessChecked = true;
    }

    @Override
    public MemorySegment.Scope scope() {
        return session.scope();
    }

    /**
     * Returns a zeroed segment of exactly {@code byteSize} bytes aligned to {@code byteAlignment}, inside
     * the allocator's memory, whose scope is this arena's.
     *
     * @throws IllegalArgumentException if {@code byteSize < 0} or {@code byteAlignment} is not a power of
     *                                  two greater than 0; nothing is changed
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if called from a thread other than the owner
     * @throws OutOfMemoryError         if the allocator has no room for the segment; the arena is unchanged
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        checkOpen("allocate");
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw Errors.badLayout(byteSize, byteAlignment);
        }
        MemorySegment memory = allocator.memory();
        if (byteAlignment <= MAX_BUMP_ALIGNMENT) {
            long base = memory.address();
            long start = ((base + cursor + byteAlignment - 1) & -byteAlignment) - base;
            // a zero-size segment takes a byte too, so that every segment has its own address (as the JDK's)
            long taken = Math.max(byteSize, 1);
            if (taken <= limit - start) {
                MemorySegment segment = segmentAt(memory, start, byteSize);
                cursor = start + taken;
                return segment;
            }
        }
        return allocateSlow(memory, byteSize, byteAlignment);
    }

    /** Takes a new slab, or a block of its own, for a request the current slab cannot hold. */
    private MemorySegment allocateSlow(MemorySegment memory, long byteSize, long byteAlignment) {
        ensureRecordRoom();   // before taking a block: recording it then cannot fail
        long slab = nextSlab;
        if (byteSize < slab / 2 && byteAlignment <= MAX_BUMP_ALIGNMENT) {
            long offset = allocator.tryAllocate(slab, Math.max(byteAlignment, SLAB_ALIGNMENT));
            if (offset >= 0) {
                record(offset, slab);
                MemorySegment segment = segmentAt(memory, offset, byteSize);   // the slab starts aligned
                cursor = offset + Math.max(byteSize, 1);
                limit = offset + slab;
                nextSlab = (int) Math.min(2L * slab, MAX_SLAB);
                return segment;
            }
            nextSlab = 0;   // from now on, blocks of exactly the size asked for
        }
        // the allocator's own OutOfMemoryError (with its OomHandler's failure, if any) if it does not fit
        MemorySegment block = allocator.allocate(byteSize, byteAlignment);
        long offset = block.address() - memory.address();
        record(offset, byteSize);
        return segmentAt(memory, offset, byteSize);
    }

    /**
     * The segment over {@code [offset, offset + byteSize)} of the memory, zeroed unless an
     * {@code allocateFrom} helper overwrites it, in this arena's scope. Fails only if the memory itself is
     * closed or confined to another thread (then nothing has changed).
     */
    private MemorySegment segmentAt(MemorySegment memory, long offset, long byteSize) {
        MemorySegment block = memory.asSlice(offset, byteSize);
        if (!overwritten) {
            block.fill((byte) 0);   // also checks that the memory is alive and accessible here
        } else if (!memory.scope().isAlive()) {
            throw new IllegalStateException("the allocator's memory is closed: reason=memory-closed memory=" + memory);
        }
        return block.reinterpret(session, null);
    }

    private void ensureRecordRoom() {
        if (blocks == null) {
            blocks = new long[8];
        } else if (2 * blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, 2 * blocks.length);
        }
    }

    private void record(long offset, long byteSize) {
        blocks[2 * blockCount] = offset;
        blocks[2 * blockCount + 1] = byteSize;
        blockCount++;
    }

    /**
     * Closes the arena: its segments become inaccessible, then every block goes back to the allocator.
     *
     * @throws IllegalStateException if the arena is already closed, or a segment of it is in use by a
     *                               downcall (nothing is changed then); or if the allocator refused a block
     *                               back (every other block is still freed, and the arena is closed)
     * @throws WrongThreadException  if called from a thread other than the owner
     */
    @Override
    public void close() {
        checkOpen("close");
        session.close();
        freeBlocks();
    }

    /** Frees every block, last taken first, even if a free throws; then throws what went wrong, if anything. */
    private void freeBlocks() {
        Throwable failure = null;
        int failures = 0;
        int total = blockCount + (firstSlab >= 0 ? 1 : 0);
        for (int i = blockCount - 1; i >= 0; i--) {
            try {
                allocator.free(blocks[2 * i], blocks[2 * i + 1]);
            } catch (RuntimeException | Error e) {
                failure = collect(failure, e);
                failures++;
            }
        }
        if (firstSlab >= 0) {
            try {
                allocator.free(firstSlab, FIRST_SLAB);
            } catch (RuntimeException | Error e) {
                failure = collect(failure, e);
                failures++;
            }
        }
        blockCount = 0;
        firstSlab = -1;
        if (failure != null) {
            throw new IllegalStateException("arena closed, but the allocator refused blocks back: reason=free-failed"
                    + " failedBlocks=" + failures + " blockCount=" + total, failure);
        }
    }

    private static Throwable collect(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    private void checkOpen(String operation) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("arena used outside its owner thread: reason=wrong-thread operation="
                    + operation + " owner=" + owner + " thread=" + Thread.currentThread());
        }
        if (!session.scope().isAlive()) {
            throw new IllegalStateException("arena is closed: reason=already-closed operation=" + operation);
        }
    }

    /**
     * A short description: the allocator's class, whether open, and the blocks taken.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        return "TalcArena[allocator=" + allocator.getClass().getSimpleName() + ", open=" + session.scope().isAlive()
                + ", blocks=" + (blockCount + (firstSlab >= 0 ? 1 : 0)) + "]";
    }

    // ---- SegmentAllocator's helpers: the JDK's defaults, minus zeroing what they overwrite at once ----

    @Override
    public MemorySegment allocateFrom(String str, Charset charset) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(str, charset);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfByte layout, byte value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfChar layout, char value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfShort layout, short value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfInt layout, int value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfFloat layout, float value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfLong layout, long value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfDouble layout, double value) {
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    @Override
    public MemorySegment allocateFrom(AddressLayout layout, MemorySegment value) {
        if (!value.isNative()) {   // the default would find out only after allocating
            throw new IllegalArgumentException("allocateFrom: an address must be native: reason=heap-segment value="
                    + value);
        }
        overwritten = true;
        try {
            return Arena.super.allocateFrom(layout, value);
        } finally {
            overwritten = false;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every array helper ({@code allocateFrom(ValueLayout.OfInt, int...)} and the others) comes here. If
     * the copy fails (a source out of bounds, closed, or misaligned), the space it took in the current slab
     * is given back.
     */
    @Override
    public MemorySegment allocateFrom(ValueLayout elementLayout, MemorySegment source, ValueLayout sourceElementLayout,
                                      long sourceOffset, long elementCount) {
        long mark = cursor;
        int count = blockCount;
        overwritten = true;
        try {
            return Arena.super.allocateFrom(elementLayout, source, sourceElementLayout, sourceOffset, elementCount);
        } catch (RuntimeException e) {
            if (blockCount == count) {
                cursor = mark;   // (a block taken for it stays with the arena until it closes)
            }
            throw e;
        } finally {
            overwritten = false;
        }
    }
}

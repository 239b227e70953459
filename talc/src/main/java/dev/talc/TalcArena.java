package dev.talc;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * A confined {@link Arena} whose segments are carved from a {@link TalcAllocator}'s memory and die when it
 * closes: what {@link TalcAllocator#newArena()} returns.
 *
 * <h2>Design note</h2>
 * <ul>
 * <li><b>Scope.</b> Each arena owns one JDK confined session ({@link Arena#ofConfined()}). The current slab
 *     is re-scoped to that session once, with {@link MemorySegment#reinterpret(Arena, java.util.function.Consumer)}
 *     (restricted), and every segment is an {@code asSlice} of it: exactly the slice asked for, never a
 *     wider segment, with the session's scope. Closing the session first is what makes every segment
 *     inaccessible (the JDK then rejects each access with {@link IllegalStateException}); only then do the
 *     blocks go back to the allocator, so no live segment can ever see a reused block. The price: a
 *     re-scoped segment does not keep the allocator's memory alive, so that memory must outlive the arena
 *     (each allocation checks that it is still alive).</li>
 * <li><b>Blocks: slabs and a bump pointer.</b> The arena takes a {@value #FIRST_SLAB}-byte slab when it
 *     opens: the largest block whose chunk (1024 bytes) the allocator's quick bins keep, so that even
 *     without a parked slab (below) its allocate/free pair is a cache hit. It hands out aligned slices of
 *     it, bumping a cursor; a request that does not fit takes a new slab, 16 KiB after the first, then
 *     twice the last (up to 64 KiB), or, if it is half that or more, a block of its own. A first slab
 *     nothing was carved from (the first request was larger) is given back, not kept. Once a slab does not
 *     fit in the allocator, the arena takes blocks of exactly the size asked for, so it fails with
 *     {@link OutOfMemoryError} only when the request itself does not fit (that error is the allocator's
 *     own).</li>
 * <li><b>A parked slab.</b> A scope that ends with one slab and nothing else leaves the slab to the next
 *     arena ({@link Talc#takeArenaSlab}; {@link ConcurrentTalc} keeps one per platform thread,
 *     {@link ParkedSlabs}), and an arena that opens wanting a slab of that size takes it back: a steady
 *     run of scopes costs no allocator work (a 16 KiB slab's pair takes the split/merge path), and with
 *     {@link ConcurrentTalc} one lock round trip per scope instead of two. The parked slab is free memory:
 *     the allocator gives it back before statistics, verification, heap edits and any allocation that
 *     could otherwise fail, so no caller sees it as used.</li>
 * <li><b>The slab hint.</b> Per thread (64 slots hashed by thread id, 64 bytes apart, written only when
 *     they change): once a scope outgrew its slab into a larger one (16, 32 or 64 KiB), the thread's next
 *     arena opens with that larger slab; once a scope's segments would have fitted a smaller slab, the next
 *     opens with the smallest that holds them (the first slab if they fit in {@value #FIRST_SLAB} bytes).
 *     So a thread whose scopes need a few KiB, or tens of KiB, settles on one slab per scope, which the
 *     parked slab then makes free of allocator work, instead of a small one, larger ones, the record array
 *     and the slow path in every scope. Threads sharing a slot can only cost each other a slab of another
 *     size. If the hinted slab does not fit at open, the arena opens with the small slab.</li>
 * <li><b>The record.</b> Every block but the current slab goes into a {@code long[]} of (offset, size)
 *     pairs, made on the first such block and doubled when full. No Java object per segment beyond the
 *     segment itself; with the hint, a thread's steady scopes of up to 16 KiB never make the array.</li>
 * <li><b>Zeroing.</b> Every segment is zeroed, as the JDK's arenas do: 8 to {@value #SMALL_ZERO_LIMIT} bytes
 *     with long stores, up to {@value #ZEROS_BYTES} by one copy from a read-only segment of zeros (the
 *     JDK's copy stubs, much faster here than {@code fill}'s {@code Unsafe.setMemory}), others with
 *     {@code fill}. The
 *     {@code allocateFrom} helpers run the JDK's default implementations on a view of this arena that does
 *     not zero: each makes one allocation and overwrites all of it at once (its {@code @implSpec}), which
 *     is where the JDK's own arenas skip zeroing too ({@code SegmentAllocator}'s private
 *     {@code allocateNoInit}).</li>
 * <li><b>Checks before changes.</b> The layout is checked first; the owner thread and open state are
 *     the JDK's checks, made by the zeroing's first write (or an empty {@code fill}) before the cursor
 *     moves, by a zero-length {@code reinterpret} before the slow path calls the allocator, and before any
 *     block is freed ({@link #close()} closes the session first, which also refuses while a downcall holds
 *     it). Close then frees every block even if one free throws.</li>
 * <li><b>Allocator calls out of line.</b> {@link #open} and {@link #close()} reach the allocator (to take
 *     and give back a slab, and the hint's update at close) through non-constant {@link MethodHandle}s, which C2 never inlines. Escape
 *     analysis can remove this arena, its session and its segments from the heap only when the whole
 *     scope is inlined into one compiled method, and C2 refuses to inline a method already compiled to
 *     more than {@code InlineSmallCode} (2500 bytes): with the allocator's {@code free} inlined, close()
 *     alone grew the benchmark's scope method past it, and every scope kept its arena on the heap.</li>
 * </ul>
 *
 * <h2>Costs, and the alternatives measured</h2>
 * A scope costs the JDK session's open and close, two calls through the handles above, the take and
 * give-back of the slab, and for each segment a slice, its zeroing and a cursor bump: no Java heap when
 * the JIT inlines the scope. The figures against {@code Arena.ofConfined()} ({@code ArenaScopeBenchmark},
 * modelled on the JDK's FFM allocation benchmark) and the measurements behind each choice are in
 * docs/ARENAS.md, with their commands. Tried and dropped (one line each; the figures are there too):
 * <ul>
 * <li>Freeing the slab at close and allocating one at open: two shard-lock CASes per scope with
 *     {@link ConcurrentTalc}, and a split/merge pair per 16 KiB slab.</li>
 * <li>A 16 KiB first slab, or the small first slab without the hint: slower at one small segment, or
 *     three slab pairs and the slow path in every scope that needs a few KiB.</li>
 * <li>Direct calls instead of the handles: the compiled scope outgrew {@code InlineSmallCode}, and the
 *     arena, its session and its slab segment stayed on the heap (168 B per scope).</li>
 * <li>Handles to the interface methods ({@code findVirtual}) instead of static helpers: no faster.</li>
 * <li>Long stores up to 256 bytes for zeroing: slower than {@code fill} above 64.</li>
 * <li>A field for the second block instead of the array: nothing to save once the hint settles.</li>
 * <li>On the old core: one allocator block per segment, records inside the allocator's memory, slabs
 *     taken at the first allocation, a 4 KiB first slab.</li>
 * </ul>
 *
 * @apiNote Confined: only the thread that created the arena may allocate from it or close it (as
 *          {@link Arena#ofConfined()}); its segments are accessible only from that thread. The allocator
 *          itself may be used by other threads meanwhile if it is thread-safe ({@link ConcurrentTalc}).
 */
final class TalcArena implements Arena {
    /**
     * The slab taken when the arena opens: the largest block whose chunk the allocator's quick bins keep
     * ({@code Tag.chunkSize(1016) == QuickBins.LIMIT}), so that its allocate/free pair is a cache hit.
     */
    static final int FIRST_SLAB = 1016;
    /** The slab taken when the first one is full (or, untouched, too small): the next ones double it. */
    static final int SECOND_SLAB = 16 << 10;
    /** Slabs double up to this size. */
    static final int MAX_SLAB = 64 << 10;
    /** Slabs are aligned to at least this (malloc's alignment), so small aligned requests need no padding. */
    private static final long SLAB_ALIGNMENT = 16;
    /** Segments of 8 to this many bytes are zeroed with long stores rather than {@code fill}. */
    private static final long SMALL_ZERO_LIMIT = 64;
    /**
     * Larger segments up to this many bytes are zeroed by one copy from {@link #ZEROS} (the JDK's copy
     * stubs), where {@code fill} goes through {@code Unsafe.setMemory} and took twice as long at 1 and
     * 4 KiB (docs/ARENAS.md); larger ones with {@code fill}, except blocks of their own (see
     * {@link #zeroByCopies}). A loop of copies here kept C2 from removing the scope's objects.
     */
    private static final long ZEROS_BYTES = 4096;
    /** Read-only zeros, the source of those copies; allocated zeroed and never written. */
    private static final MemorySegment ZEROS = Arena.global().allocate(ZEROS_BYTES, 64).asReadOnly();
    /** Blocks of their own (off the hot path) up to this many bytes are zeroed by copies from {@link #ZEROS}. */
    private static final long COPY_ZERO_LIMIT = MAX_SLAB;
    /** Requests aligned to more than this skip the bump path (keeps its arithmetic far from overflow). */
    private static final long MAX_BUMP_ALIGNMENT = 4096;
    /** Threads are hashed onto this many {@link #slabHints} slots. */
    private static final int HINT_SLOTS = 64;
    /** Ints between two slots: 64 bytes, so that threads writing their slots do not share a cache line. */
    private static final int HINT_SPACING = 16;
    /**
     * Per thread (hashed by id), the slab its next arena opens with: 0 for the {@link #FIRST_SLAB}, else
     * the size of the last slab a scope of the thread outgrew its slab into (up to {@link #MAX_SLAB}), until
     * a scope's segments fit a smaller one. Written only when it changes; a race between threads sharing
     * a slot only costs one of them a slab of another size.
     */
    private static final int[] slabHints = new int[HINT_SLOTS * HINT_SPACING];
    /**
     * {@link #freeBlock} and {@link #tryAllocateBlock}, the allocator calls of {@link #close()} and
     * {@link #open}, through handles the JIT cannot see through (non-final fields, so not constants): it
     * then never inlines the allocator's code into them. That keeps the compiled {@code open} and
     * {@code close} small whatever path the allocator takes, so that they and the caller's scope stay
     * under HotSpot's limit for inlining an already compiled method ({@code InlineSmallCode}, 2500 bytes
     * of code); only when the whole scope is inlined into one method can escape analysis remove this
     * arena, its session and its segments from the heap. See the design note for the measurements.
     */
    private static MethodHandle freeHandle;
    private static MethodHandle tryAllocateHandle;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            freeHandle = lookup.findStatic(TalcArena.class, "freeBlock",
                    MethodType.methodType(void.class, TalcAllocator.class, long.class, long.class, long.class));
            tryAllocateHandle = lookup.findStatic(TalcArena.class, "tryAllocateBlock",
                    MethodType.methodType(long.class, TalcAllocator.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether a restricted method has been called successfully from this module (native access allowed). */
    private static volatile boolean nativeAccessChecked;

    // Fields kept to 48 bytes with the object header (the JDK's confined arena costs 80 bytes more per scope,
    // plus 40 bytes per malloc'ed segment): no owner field (the JDK's session checks the thread), no field for
    // the first slab (it is the current slab until a second one is taken), no slab offset (the slab's address).
    private final TalcAllocator allocator;
    private final Arena session;
    /**
     * The current slab as one segment in this arena's scope ({@link MemorySegment#NULL}, of size 0, if
     * none): each segment is a slice of it, so the restricted {@code reinterpret} runs once per slab.
     */
    private MemorySegment slab = MemorySegment.NULL;
    /** The free part of the current slab starts this many bytes into it. */
    private long cursor;
    /**
     * The size of the current slab (0 if none), or its complement {@code ~size} once a slab did not fit
     * in the allocator: from then on every request that misses the current slab gets a block of exactly
     * its size. See {@link #currentSlabSize()}.
     */
    private int slabSize;
    /** Every block but the current slab: (offset, size) pairs, {@code blockCount} of them; null until the first. */
    private long[] blocks;
    private int blockCount;

    private TalcArena(TalcAllocator allocator) {
        this.allocator = allocator;
        this.session = Arena.ofConfined();
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
        int hinted = slabHints[hintSlot()];
        // one branch per slab size, not the hint itself: the JIT then compiles the one a thread's scopes take
        // with its size as a constant (with the size as a variable it no longer removed the arena, its session
        // and the slab segment from the heap: 168 B per scope)
        int size = hinted == 0 ? FIRST_SLAB : hinted == SECOND_SLAB ? SECOND_SLAB
                : hinted == 2 * SECOND_SLAB ? 2 * SECOND_SLAB : MAX_SLAB;
        long slab;
        try {
            slab = (long) tryAllocateHandle.invokeExact(allocator, (long) size, SLAB_ALIGNMENT);
            if (slab < 0 && size != FIRST_SLAB) {
                size = FIRST_SLAB;
                slab = allocator.tryAllocate(size, SLAB_ALIGNMENT);
            }
        } catch (RuntimeException | Error e) {
            arena.session.close();   // the memory's arena closed or confined elsewhere: nothing was taken
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e);   // tryAllocate declares no checked exception
        }
        if (slab >= 0) {
            arena.slab = arena.scoped(memory, slab, size);
            arena.slabSize = size;
        } else {
            arena.slabSize = ~0;   // no room for a slab: blocks of exactly the size asked for
        }
        return arena;
    }

    /**
     * Gives back the slab {@code (offset, byteSize)} of a scope that used {@code used} bytes of it, after
     * shrinking the thread's slab hint if they fit a smaller slab; called through {@link #freeHandle}, so
     * that none of this is compiled into {@link #close()}.
     */
    private static void freeBlock(TalcAllocator allocator, long offset, long byteSize, long used) {
        if (byteSize != FIRST_SLAB) {
            shrinkHint(byteSize, used);
        }
        switch (allocator) {   // parked for the next arena (the thread's, for ConcurrentTalc), else freed
            case Talc talc -> talc.giveBackArenaSlab(offset, byteSize);
            case ConcurrentTalc concurrent -> concurrent.giveBackArenaSlab(offset, byteSize);
        }
    }

    /** {@code allocator.tryAllocate(byteSize, byteAlignment)}, called through {@link #tryAllocateHandle}. */
    private static long tryAllocateBlock(TalcAllocator allocator, long byteSize, long byteAlignment) {
        return switch (allocator) {
            case Talc talc -> talc.takeArenaSlab(byteSize, byteAlignment);
            case ConcurrentTalc concurrent -> concurrent.takeArenaSlab(byteSize, byteAlignment);
        };
    }

    /** The calling thread's slot in {@link #slabHints}. */
    private static int hintSlot() {
        return ((int) Thread.currentThread().threadId() & (HINT_SLOTS - 1)) * HINT_SPACING;
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
     * @throws IllegalStateException    if the arena is closed (the JDK's exception, as from
     *                                  {@link Arena#ofConfined()}); nothing is changed
     * @throws WrongThreadException     if called from a thread other than the owner (likewise)
     * @throws OutOfMemoryError         if the allocator has no room for the segment; the arena is unchanged
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return allocate(byteSize, byteAlignment, true);
    }

    private MemorySegment allocate(long byteSize, long byteAlignment, boolean zero) {
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw Errors.badLayout(byteSize, byteAlignment);
        }
        MemorySegment memory = allocator.memory();
        if (byteAlignment <= MAX_BUMP_ALIGNMENT) {
            MemorySegment slab = this.slab;
            long base = slab.address();
            long start = ((base + cursor + byteAlignment - 1) & -byteAlignment) - base;
            // a zero-size segment takes a byte too, so that every segment has its own address (as the JDK's)
            long taken = Math.max(byteSize, 1);
            if (taken <= slab.byteSize() - start) {
                MemorySegment segment = slab.asSlice(start, byteSize);
                prepare(memory, segment, zero);
                cursor = start + taken;
                return segment;
            }
        }
        return allocateSlow(memory, byteSize, byteAlignment, zero);
    }

    /**
     * Zeroes {@code segment}, a slice of the current slab, if {@code zero}. Fails, changing nothing, if
     * the arena is closed or used from another thread (the JDK's checks, made by the first write or by
     * {@code fill}; a slice is not checked when made), or if the allocator's memory is closed.
     */
    private static void prepare(MemorySegment memory, MemorySegment segment, boolean zero) {
        if (!memory.scope().isAlive()) {
            throw memoryClosed(memory);
        }
        long size = segment.byteSize();
        if (zero && size >= Long.BYTES && size <= SMALL_ZERO_LIMIT) {
            // at most eight stores (the last may overlap); the JDK's fill calls a native stub from 32 bytes up
            for (long i = 0; i + Long.BYTES <= size; i += Long.BYTES) {
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, i, 0L);
            }
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, size - Long.BYTES, 0L);
        } else if (zero && size <= ZEROS_BYTES) {
            MemorySegment.copy(ZEROS, 0, segment, 0, size);   // checks the session before writing, as fill does
        } else {
            // fill checks the session before writing; an empty fill checks only
            (zero ? segment : segment.asSlice(0, 0)).fill((byte) 0);
        }
    }

    /**
     * Zeroes {@code size} bytes (more than 0) of {@code segment} by copies from {@link #ZEROS}; each copy
     * checks the segment's session before it writes, as {@code fill} does.
     */
    private static void zeroByCopies(MemorySegment segment, long size) {
        for (long done = 0; done < size; done += ZEROS_BYTES) {
            MemorySegment.copy(ZEROS, 0, segment, done, Math.min(ZEROS_BYTES, size - done));
        }
    }

    private static IllegalStateException memoryClosed(MemorySegment memory) {
        return new IllegalStateException("the allocator's memory is closed: reason=memory-closed memory=" + memory);
    }

    /**
     * Takes a new slab, or a block of its own, for a request the current slab cannot hold. A current slab
     * nothing was carved from yet (the first one, too small for the first request) is given back rather
     * than kept on record: a scope whose first segment is larger than the first slab then holds one slab.
     */
    private MemorySegment allocateSlow(MemorySegment memory, long byteSize, long byteAlignment, boolean zero) {
        MemorySegment.NULL.reinterpret(session, null);   // the JDK's owner-thread and open checks, before any change
        int current = currentSlabSize();
        boolean untouched = current > 0 && cursor == 0;
        int size = current < SECOND_SLAB ? SECOND_SLAB : Math.min(2 * current, MAX_SLAB);
        if (slabSize >= 0 && byteSize < size / 2 && byteAlignment <= MAX_BUMP_ALIGNMENT) {
            if (current > 0 && !untouched) {
                ensureRecordRoom();   // before taking a block: recording the old slab then cannot fail
            }
            long offset = allocator.tryAllocate(size, Math.max(byteAlignment, SLAB_ALIGNMENT));
            if (offset >= 0) {
                int hint = hintSlot();
                if (slabHints[hint] < size) {
                    slabHints[hint] = size;   // this thread's next arenas open with this larger slab
                }
                long old = slab.address() - memory.address();
                if (untouched) {
                    allocator.free(old, current);
                } else if (current > 0) {
                    record(old, current);   // the old slab stays on record until close
                }
                slab = scoped(memory, offset, size);
                slabSize = size;
                MemorySegment segment = slab.asSlice(0, byteSize);   // the slab starts aligned
                prepare(memory, segment, zero);
                cursor = Math.max(byteSize, 1);
                return segment;
            }
            slabSize = ~current;   // from now on, blocks of exactly the size asked for
        }
        ensureRecordRoom();   // before taking a block: recording it then cannot fail
        // the allocator's own OutOfMemoryError (with its OomHandler's failure, if any) if it does not fit
        MemorySegment block = allocator.allocate(byteSize, byteAlignment);
        long offset = block.address() - memory.address();
        record(offset, byteSize);
        return segmentAt(memory, offset, byteSize, zero);
    }

    /** The size of the current slab, 0 if there is none. */
    private int currentSlabSize() {
        return slabSize >= 0 ? slabSize : ~slabSize;
    }

    /**
     * The segment over {@code [offset, offset + byteSize)} of the memory in this arena's scope, zeroed if
     * {@code zero}. Fails, changing nothing, if the arena is closed or used from another thread (the JDK's
     * checks, in {@code reinterpret}), or if the memory is closed or confined to another thread.
     */
    private MemorySegment segmentAt(MemorySegment memory, long offset, long byteSize, boolean zero) {
        MemorySegment block = memory.asSlice(offset, byteSize);
        MemorySegment segment = block.reinterpret(session, null);
        if (zero && byteSize > 0 && byteSize <= COPY_ZERO_LIMIT) {
            zeroByCopies(block, byteSize);   // through the memory's own segment: checks that it is alive and accessible
        } else if (zero) {
            block.fill((byte) 0);
        } else if (!memory.scope().isAlive()) {
            throw memoryClosed(memory);
        }
        return segment;
    }

    /** {@code [offset, offset + byteSize)} of the memory as a segment in this arena's scope. */
    private MemorySegment scoped(MemorySegment memory, long offset, long byteSize) {
        return memory.asSlice(offset, byteSize).reinterpret(session, null);
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
     *                               downcall (the JDK's exceptions, as from {@link Arena#ofConfined()};
     *                               nothing is changed then); or if the allocator refused a block back
     *                               (every other block is still freed, and the arena is closed)
     * @throws WrongThreadException  if called from a thread other than the owner; nothing is changed
     */
    @Override
    public void close() {
        session.close();   // the JDK's checks first: a failed close changes nothing
        int size = slabSize;
        if (size > 0 && blockCount == 0) {
            // the common scope, one slab and nothing else: kept apart so that the JIT compiles this path alone
            slabSize = 0;
            long offset = slab.address() - allocator.memory().address();
            long used = cursor;
            slab = MemorySegment.NULL;
            cursor = 0;
            try {
                freeHandle.invokeExact(allocator, offset, (long) size, used);
            } catch (RuntimeException | Error e) {
                throw refused(e, 1, 1);
            } catch (Throwable e) {
                throw new AssertionError(e);   // free declares no checked exception
            }
        } else {
            freeBlocks();
        }
    }

    /**
     * After a scope that held one slab of {@code size} bytes of which it used {@code used}: if its segments
     * would have fitted a smaller slab, the thread's next arenas open with the smallest that holds them.
     */
    private static void shrinkHint(long size, long used) {
        int fits = used <= FIRST_SLAB ? 0 : used <= SECOND_SLAB ? SECOND_SLAB : used <= 2 * SECOND_SLAB ? 2 * SECOND_SLAB
                : MAX_SLAB;
        int hint = hintSlot();
        if (fits < size && slabHints[hint] != fits) {
            slabHints[hint] = fits;
        }
    }

    /** Frees every block, last taken first, even if a free throws; then throws what went wrong, if anything. */
    private void freeBlocks() {
        Throwable failure = null;
        int failures = 0;
        int current = currentSlabSize();
        int total = blockCount + (current > 0 ? 1 : 0);
        if (current > 0) {
            try {
                allocator.free(slab.address() - allocator.memory().address(), current);
            } catch (RuntimeException | Error e) {
                failure = e;
                failures++;
            }
        }
        for (int i = blockCount - 1; i >= 0; i--) {
            try {
                allocator.free(blocks[2 * i], blocks[2 * i + 1]);
            } catch (RuntimeException | Error e) {
                failure = collect(failure, e);
                failures++;
            }
        }
        blockCount = 0;
        slabSize = 0;
        slab = MemorySegment.NULL;
        cursor = 0;
        if (failure != null) {
            throw refused(failure, failures, total);
        }
    }

    private static IllegalStateException refused(Throwable failure, int failures, int total) {
        return new IllegalStateException("arena closed, but the allocator refused blocks back: reason=free-failed"
                + " failedBlocks=" + failures + " blockCount=" + total, failure);
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

    /**
     * A short description: the allocator's class, whether open, and the blocks taken.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        return "TalcArena[allocator=" + allocator.getClass().getSimpleName() + ", open=" + session.scope().isAlive()
                + ", blocks=" + (blockCount + (currentSlabSize() > 0 ? 1 : 0)) + "]";
    }

    // ---- SegmentAllocator's helpers: the JDK's defaults, minus zeroing what they overwrite at once ----

    /**
     * This arena as a {@link SegmentAllocator} that does not zero: the JDK's default {@code allocateFrom}
     * helpers, called on it, make exactly one allocation each and overwrite all of it at once (their
     * {@code @implSpec}).
     */
    private SegmentAllocator unzeroed() {
        return (byteSize, byteAlignment) -> allocate(byteSize, byteAlignment, false);
    }

    @Override
    public MemorySegment allocateFrom(String str, Charset charset) {
        return unzeroed().allocateFrom(str, charset);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfByte layout, byte value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfChar layout, char value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfShort layout, short value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfInt layout, int value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfFloat layout, float value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfLong layout, long value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(ValueLayout.OfDouble layout, double value) {
        return unzeroed().allocateFrom(layout, value);
    }

    @Override
    public MemorySegment allocateFrom(AddressLayout layout, MemorySegment value) {
        if (!value.isNative()) {   // the default would find out only after allocating
            throw new IllegalArgumentException("allocateFrom: an address must be native: reason=heap-segment value="
                    + value);
        }
        return unzeroed().allocateFrom(layout, value);
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
        MemorySegment current = slab;
        try {
            return unzeroed().allocateFrom(elementLayout, source, sourceElementLayout, sourceOffset, elementCount);
        } catch (RuntimeException e) {
            if (blockCount == count && slab == current) {
                cursor = mark;   // (a block taken for it stays with the arena until it closes)
            }
            throw e;
        }
    }
}

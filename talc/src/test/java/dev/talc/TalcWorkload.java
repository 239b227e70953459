package dev.talc;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Valid operations on one {@link Talc}, chosen by a {@link Choices} source, checked against a
 * {@link LiveBlocks} model: every operation of the allocator (raw and segment allocation, free,
 * reallocation, growth in place, shrinking, claim, extend, truncate, the span queries), with the OOM
 * handler of a {@link TestHandler}, over {@link GuardedMemory}.
 *
 * <p>After each step ({@link #step()}), {@link #check()} runs {@code verify()} and compares the counters
 * with the model. {@link #finish()} frees everything, checking contents, and requires the counters back at
 * zero, every heap releasable, and the guard bytes intact.
 *
 * <p>For the misuse workload it also remembers freed blocks whose memory has not been handed out
 * again ({@link #freed}: a second free of these must always be rejected), freed blocks whose memory was
 * reused ({@link #reused}), and spans released by truncation ({@link #released}).
 */
final class TalcWorkload extends AllocatorWorkload<Talc> {
    /** Sizes of the memories the workloads run over: a few KiB to a few MiB. */
    static final long[] MEMORY_SIZES = {4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20};

    final GuardedMemory guarded;
    final TestHandler handler;
    final Deque<Freed> reused = new ArrayDeque<>();
    final Deque<Span> released = new ArrayDeque<>();

    long operations;
    long failedAllocations;
    long largestAllocation;

    TalcWorkload(Talc talc, GuardedMemory guarded, Choices in, TestHandler handler) {
        super(talc, in, REMEMBERED);
        this.guarded = guarded;
        this.handler = handler;
    }

    /**
     * Sets up a workload from the choices: kind and size of memory, skew, junk, OOM handler and the
     * first heaps.
     */
    static TalcWorkload create(Choices in, boolean checked) {
        GuardedMemory.Kind kind = in.nextBoolean() ? GuardedMemory.Kind.NATIVE : GuardedMemory.Kind.LONG_ARRAY;
        long bytes = MEMORY_SIZES[in.nextInt(MEMORY_SIZES.length)] + 8L * in.nextInt(16);
        long skew = 8L * in.nextInt(4) + (in.nextBoolean() ? 0 : 64);
        byte junk = switch (in.nextInt(4)) {
            case 0 -> 0;
            case 1 -> (byte) 0xFF;
            case 2 -> 0x01; // every junk word decodes as an allocated tag
            default -> (byte) in.nextInt(256);
        };
        GuardedMemory guarded = GuardedMemory.open(kind, bytes, skew, junk);
        TestHandler handler = TestHandler.of(in.pick(TestHandler.Kind.values()), bytes, in);
        Talc talc = Talc.builder(guarded.inner()).checked(checked).oomHandler(handler).build();
        TalcWorkload workload = new TalcWorkload(talc, guarded, in, handler);
        switch (in.nextInt(4)) {
            case 0 -> talc.claim(Span.ofSize(0, bytes));
            case 1 -> workload.claim();
            case 2 -> {
                workload.claim();
                workload.claim();
                workload.claim();
            }
            default -> { } // no heap: the handler must make one, or every allocation fails
        }
        workload.check();
        return workload;
    }

    // =============================================================================================
    // Steps.
    // =============================================================================================

    /** One random valid operation. */
    void step() {
        operations++;
        int action = in.nextInt(100);
        if (action < 22) {
            allocate();
        } else if (action < 30) {
            allocateSegment();
        } else if (action < 50) {
            free();
        } else if (action < 60) {
            reallocate();
        } else if (action < 66) {
            reallocateSegment();
        } else if (action < 73) {
            growInPlace();
        } else if (action < 79) {
            shrink();
        } else if (action < 84) {
            claim();
        } else if (action < 89) {
            extend();
        } else if (action < 94) {
            truncate();
        } else {
            query();
        }
    }

    /** Blocks lie in the heaps Talc lists. */
    @Override
    List<Span> blockHeaps() {
        return talc.heaps();
    }

    @Override
    long growth() {
        return in.logUniform(Math.min(memoryBytes, 1 << 20));
    }

    long blockSize() {
        return switch (in.nextInt(8)) {
            case 0 -> 0;
            case 1, 2, 3 -> in.nextLong(1, 64);
            case 4, 5 -> in.nextLong(1, 1024);
            case 6 -> in.nextLong(1, 64 << 10);
            default -> in.logUniform(Math.min(memoryBytes + memoryBytes / 4, LiveBlocks.MAX_PATTERN_BLOCK));
        };
    }

    long alignment() {
        int r = in.nextInt(100);
        if (r < 50) {
            return 1L << in.nextInt(4);
        }
        if (r < 80) {
            return 16L << in.nextInt(3);
        }
        if (r < 98) {
            return 128L << in.nextInt(14); // up to 1 MiB
        }
        return 1L << in.nextInt(63); // any power of two: mostly far too large
    }

    void allocate() {
        long size = blockSize();
        long alignment = alignment();
        TalcStats before = talc.stats();
        long calls = handler.calls();
        long offset = talc.tryAllocate(size, alignment);
        if (offset >= 0) {
            added(new LiveBlocks.Block(offset, size, alignment, LiveBlocks.seed(in)));
        } else {
            failed(size, alignment, before, calls);
        }
    }

    void allocateSegment() {
        long size = blockSize();
        long alignment = alignment();
        TalcStats before = talc.stats();
        long calls = handler.calls();
        MemorySegment block;
        try {
            block = talc.allocate(size, alignment);
        } catch (OutOfMemoryError e) {
            checkOutOfMemory(e, calls);
            failed(size, alignment, before, calls);
            return;
        }
        assertEquals(size, block.byteSize());
        added(new LiveBlocks.Block(offsetOf(block), size, alignment, LiveBlocks.seed(in)));
    }

    /** The OutOfMemoryError says why, with key=value detail, and carries the handler's failure. */
    private void checkOutOfMemory(OutOfMemoryError e, long callsBefore) {
        assertTrue(e.getMessage().contains("byteSize="), e::getMessage);
        boolean called = handler.calls() > callsBefore;
        if (called && handler.kind == TestHandler.Kind.THROWING) {
            assertNotNull(e.getCause(), "the throwing handler's exception is the cause");
            assertTrue(e.getCause().getMessage().startsWith(TestHandler.THROWN), () -> String.valueOf(e.getCause()));
        } else if (called && handler.kind == TestHandler.Kind.LYING) {
            assertTrue(e.getCause() instanceof IllegalStateException
                    && e.getCause().getMessage().contains("without making room"), () -> String.valueOf(e.getCause()));
        } else if (handler.kind == TestHandler.Kind.FAIL) {
            assertEquals(null, e.getCause());
        }
    }

    /**
     * A failed allocation: with a handler that changes nothing, the allocator is as it was (only cached
     * chunks may have merged into gaps), and no gap could have held the block.
     */
    private void failed(long size, long alignment, TalcStats before, long callsBefore) {
        failedAllocations++;
        if (handler.kind.changesNothing()) {
            TalcStats after = talc.stats();
            assertEquals(semantic(before), semantic(after), "a failed allocation changed the heap");
            long needed = Math.min(size, Long.MAX_VALUE / 4) + Math.max(alignment, 8) + 48;
            assertTrue(after.largestGapBytes() < needed || size > Talc.MAX_BYTE_SIZE,
                    () -> "failed although a gap fits: size=" + size + " alignment=" + alignment + " " + after);
        }
        if (handler.kind == TestHandler.Kind.LYING || handler.kind == TestHandler.Kind.THROWING) {
            assertTrue(handler.calls() <= callsBefore + 1, "a lying or throwing handler is called at most once");
        }
    }

    /** The counters a failed call must not change (the gap count and largest gap may, by merging cached chunks). */
    static List<Long> semantic(TalcStats s) {
        return List.of(s.allocationCount(), s.allocatedBytes(), s.availableBytes(), s.claimedBytes(), (long) s.heapCount(),
                s.totalAllocationCount(), s.totalAllocatedBytes(), s.totalFreeCount(), s.totalHeapCount(), s.totalClaimedBytes());
    }

    @Override
    void added(LiveBlocks.Block block) {
        super.added(block);
        largestAllocation = Math.max(largestAllocation, block.size());
    }

    /** Kept in {@link #reused}, for the misuse workload. */
    @Override
    void reused(Freed f) {
        remember(reused, f, REMEMBERED);
    }

    void reallocate() {
        int index = pickLive();
        if (index < 0) {
            return;
        }
        LiveBlocks.Block block = blocks.get(index);
        long newSize = blockSize();
        long alignment = in.percent(80) ? block.alignment() : alignment();
        TalcStats before = talc.stats();
        long calls = handler.calls();
        long moved = talc.tryReallocate(block.offset(), block.size(), alignment, newSize);
        if (moved < 0) {
            blocks.checkIntact(block);
            failed(newSize, alignment, before, calls);
            return;
        }
        resized(index, block, moved, newSize, alignment);
    }

    void reallocateSegment() {
        int index = pickLive();
        if (index < 0) {
            return;
        }
        LiveBlocks.Block block = blocks.get(index);
        long newSize = blockSize();
        boolean implied = in.nextBoolean();
        MemorySegment old = segmentOf(block);
        long alignment = implied ? Math.min(Talc.maxByteAlignment(old), Talc.IMPLIED_ALIGNMENT) : alignment();
        TalcStats before = talc.stats();
        long calls = handler.calls();
        MemorySegment moved;
        try {
            moved = implied ? talc.reallocate(old, newSize) : talc.reallocate(old, newSize, alignment);
        } catch (OutOfMemoryError e) {
            checkOutOfMemory(e, calls);
            blocks.checkIntact(block);
            failed(newSize, alignment, before, calls);
            return;
        }
        assertEquals(newSize, moved.byteSize());
        resized(index, block, offsetOf(moved), newSize, alignment);
    }

    /** A failed growth changes nothing. */
    @Override
    boolean tryGrowInPlace(LiveBlocks.Block block, long newSize) {
        TalcStats before = talc.stats();
        if (super.tryGrowInPlace(block, newSize)) {
            return true;
        }
        assertEquals(before, talc.stats(), "a failed growth changed the heap");
        blocks.checkIntact(block);
        return false;
    }

    /** Claims a random span of memory; the oracle knows whether the claim must succeed. */
    void claim() {
        long base = in.nextLong(0, memoryBytes - 1);
        long acme = Math.min(memoryBytes, base + in.logUniform(memoryBytes));
        Span span = new Span(base, acme);
        Span inward = span.isEmpty() ? span : Fixtures.granulesInward(talc.memory(), span);
        boolean valid = !span.isEmpty() && inward.size() >= Tag.MIN_HEAP
                && talc.heaps().stream().noneMatch(h -> h.overlaps(span)); // as asked, before trimming
        if (valid) {
            Span heap = talc.claim(span);
            assertEquals(inward, heap);
            assertTrue(talc.heaps().contains(heap));
            assertEquals(new Span(heap.base() + Tag.SENTINEL, heap.acme()), talc.allocatableSpan(heap));
            assertTrue(talc.allocatedSpan(heap).isEmpty());
        } else {
            TalcStats before = talc.stats();
            assertThrows(IllegalArgumentException.class, () -> talc.claim(span));
            assertEquals(before, talc.stats());
        }
    }

    /** Extends a random heap into the free memory around it (possibly not at all). */
    void extend() {
        List<Span> heaps = talc.heaps();
        if (heaps.isEmpty()) {
            return;
        }
        int index = in.nextInt(heaps.size());
        Span heap = heaps.get(index);
        long floor = index == 0 ? 0 : heaps.get(index - 1).acme();
        long ceiling = index == heaps.size() - 1 ? memoryBytes : heaps.get(index + 1).base();
        long low = in.nextBoolean() ? 0 : in.nextLong(0, heap.base() - floor);
        long high = in.nextBoolean() ? 0 : in.nextLong(0, ceiling - heap.acme());
        Span wanted = heap.extend(low, high);
        long claimed = talc.stats().claimedBytes();
        Span now = talc.extend(heap, wanted);
        assertTrue(now.contains(heap) && wanted.contains(now), () -> heap + " -> " + wanted + " = " + now);
        assertTrue(talc.heaps().contains(now));
        assertEquals(claimed + now.size() - heap.size(), talc.stats().claimedBytes());
    }

    /** Truncates a random heap towards a random span inside it, or as far as it goes. */
    void truncate() {
        List<Span> heaps = talc.heaps();
        if (heaps.isEmpty()) {
            return;
        }
        Span heap = heaps.get(in.nextInt(heaps.size()));
        Span wanted;
        if (in.nextInt(4) == 0) {
            wanted = Span.empty();
        } else {
            long base = in.nextLong(heap.base(), heap.acme() - 1);
            wanted = new Span(base, in.nextLong(base, heap.acme()));
        }
        Span allocated = talc.allocatedSpan(heap);
        Span now = talc.truncate(heap, wanted);
        if (now.isEmpty()) {
            assertTrue(allocated.isEmpty(), () -> "released a heap with live blocks: " + heap);
            assertFalse(talc.heaps().contains(heap));
            remember(released, heap, REMEMBERED);
        } else {
            assertTrue(heap.contains(now) && now.contains(wanted.isEmpty() ? Span.empty() : Fixtures.granulesOutward(talc.memory(), wanted)),
                    () -> heap + " -> " + wanted + " = " + now);
            assertTrue(allocated.isEmpty() || now.contains(allocated), () -> "cut into " + allocated + ": " + now);
            assertFalse(blocks.anyOutside(heap, now), () -> "a live block was cut off: " + heap + " -> " + now);
            assertTrue(talc.heaps().contains(now));
            if (now.base() > heap.base()) {
                remember(released, new Span(heap.base(), now.base()), REMEMBERED);
            }
            if (now.acme() < heap.acme()) {
                remember(released, new Span(now.acme(), heap.acme()), REMEMBERED);
            }
        }
    }

    /** The span queries: every live block lies in its heap's allocated span. */
    void query() {
        for (Span heap : talc.heaps()) {
            Span allocated = talc.allocatedSpan(heap);
            Span allocatable = talc.allocatableSpan(heap);
            assertEquals(new Span(heap.base() + Tag.SENTINEL, heap.acme()), allocatable);
            boolean any = false;
            for (LiveBlocks.Block block : blocks.all()) {
                if (heap.contains(block.offset())) {
                    any = true;
                    assertTrue(allocated.base() <= block.offset() && block.end() <= allocated.acme(),
                            () -> block + " outside the allocated span " + allocated + " of " + heap);
                }
            }
            assertEquals(!any, allocated.isEmpty(), () -> "allocated span " + allocated + " of " + heap);
            assertTrue(allocated.isEmpty() || allocatable.contains(allocated));
        }
    }

    // =============================================================================================
    // The end.
    // =============================================================================================

    /**
     * Frees every live block (checking its contents first), then requires the counters back at zero, one
     * gap per heap, every heap releasable, and the guard bytes intact.
     */
    void finish() {
        blocks.checkAll();
        while (!blocks.isEmpty()) {
            int index = in.hasMore() ? in.nextInt(blocks.size()) : blocks.size() - 1;
            LiveBlocks.Block block = blocks.get(index);
            blocks.checkIntact(block);
            talc.free(block.offset(), block.size());
            blocks.remove(index);
        }
        TalcStats stats = checkNothingAllocated();
        assertEquals(stats.claimedBytes() - Tag.SENTINEL * stats.heapCount(), stats.availableBytes());
        for (Span heap : talc.heaps()) {
            assertTrue(talc.allocatedSpan(heap).isEmpty(), () -> "live memory left in " + heap);
        }
        assertEquals(stats.heapCount(), talc.stats().gapCount(), "one gap per empty heap, once cached chunks merge");
        for (Span heap : talc.heaps()) {
            assertEquals(Span.empty(), talc.truncate(heap, Span.empty()), "an empty heap is released");
        }
        TalcStats end = talc.stats();
        assertEquals(0, end.claimedBytes());
        assertEquals(0, end.availableBytes());
        assertEquals(0, end.gapCount());
        talc.verify();
        guarded.checkGuards();
    }

    /** Closes the memory. */
    void close() {
        guarded.close();
    }

    /** Fails with the workload's state, for findings that need context. */
    void failWith(String message) {
        fail(message + " talc=" + talc + " handler=" + handler);
    }

    List<Freed> freedList() {
        return new ArrayList<>(freed);
    }
}

package dev.talc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slab a closed arena leaves parked for the next one ({@link Talc#takeArenaSlab}, {@link ParkedSlabs}):
 * reused by the next arena (of the same thread), and never visible as used memory: given back before
 * statistics, verification, heap edits and any allocation that could otherwise fail.
 */
class ParkedSlabsTest {
    private static final long MEMORY_BYTES = 256 << 10;
    /** A first request larger than the first slab: the arena takes a 16 KiB slab instead. */
    private static final long LARGE_FIRST = 2000;

    private final Arena memoryArena = Arena.ofShared();
    private final MemorySegment memory = memoryArena.allocate(MEMORY_BYTES, 4096);

    @AfterEach
    void closeMemory() {
        memoryArena.close();
    }

    /** The address of the first segment of a fresh arena of {@code allocator}, of {@code size} bytes. */
    private static long scope(TalcAllocator allocator, long size) {
        try (Arena arena = allocator.newArena()) {
            MemorySegment segment = arena.allocate(size);
            segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            return segment.address();
        }
    }

    /**
     * Two scopes of {@code size}: the thread's slab hint (shared by threads hashed to one slot, and kept
     * between tests) then asks for the slab size such scopes need, and that slab is parked.
     */
    private static void settle(TalcAllocator allocator, long size) {
        scope(allocator, size);
        scope(allocator, size);
    }

    /** The largest block {@code allocator} can give now (binary search; frees what it takes). */
    private static long largestBlock(TalcAllocator allocator) {
        long low = 0;
        long high = MEMORY_BYTES;
        while (low < high) {
            long mid = (low + high + 1) >>> 1;
            long offset = allocator.tryAllocate(mid, 8);
            if (offset >= 0) {
                allocator.free(offset, mid);
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    // ---- Talc: one parked slab ------------------------------------------------------------------------

    @Test
    void shouldHandTheParkedSlabToTheNextArena() {
        Talc talc = Talc.over(memory);
        TalcStats before = talc.stats();
        for (long size : new long[] {8, LARGE_FIRST}) {
            settle(talc, size);
            long first = scope(talc, size);
            assertFalse(talc.hasNoParkedSlab(), "the closed arena's slab is parked");
            assertEquals(first, scope(talc, size), "the next arena starts in the same slab");
            assertEquals(first, scope(talc, size));
        }
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        assertTrue(talc.hasNoParkedSlab(), "stats() gave it back");
        talc.verify();
    }

    @Test
    void shouldSettleOnOneParkedSlabForScopesOfTensOfKiB() {
        Talc talc = Talc.over(memory);
        TalcStats before = talc.stats();
        long[] first = new long[4];
        for (int round = 0; round < first.length; round++) {
            try (Arena arena = talc.newArena()) {
                for (int i = 0; i < 10; i++) {
                    MemorySegment segment = arena.allocate(4096);
                    if (i == 0) {
                        first[round] = segment.address();
                    }
                }
                if (round >= 2) {
                    assertTrue(arena.toString().contains("blocks=1"), "one slab holds the scope: " + arena);
                }
            }
        }
        // 16 KiB, then 32 KiB, then 64 KiB (the hint grows with each outgrown slab), which stays
        assertEquals(first[2], first[3], "the scope's one slab is parked and taken again");
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        talc.verify();
    }

    @Test
    void shouldGiveTheParkedSlabBackBeforeAnAllocationFails() {
        Talc talc = Talc.over(memory);
        long largest = largestBlock(talc);
        scope(talc, LARGE_FIRST);
        assertFalse(talc.hasNoParkedSlab());
        long offset = talc.tryAllocate(largest, 8);
        assertTrue(offset >= 0, "the whole memory is still there for one block");
        talc.free(offset, largest);
        talc.verify();
    }

    @Test
    void shouldGiveTheParkedSlabBackBeforeAHeapIsTruncatedOrMeasured() {
        Talc talc = Talc.over(memory);
        Span heap = talc.heaps().getFirst();
        scope(talc, LARGE_FIRST);
        assertTrue(talc.allocatedSpan(heap).isEmpty(), "no live block: the parked slab counts as free");
        scope(talc, LARGE_FIRST);
        assertTrue(talc.truncate(heap, Span.empty()).isEmpty(), "the heap is released whole");
        assertTrue(talc.hasNoParkedSlab());
    }

    @Test
    void shouldGiveTheParkedSlabBackWhenTheNextArenaWantsAnotherSize() {
        Talc talc = Talc.over(memory);
        TalcStats before = talc.stats();
        scope(talc, LARGE_FIRST);   // parks 16 KiB
        scope(talc, 8);             // the thread's hint switches back to the small slab: 16 KiB is freed
        scope(talc, 8);
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        talc.verify();
    }

    @Test
    void shouldNeverParkInCheckedMode() {
        Talc talc = Talc.builder(memory).checked(true).claimAll().build();
        scope(talc, 8);
        assertTrue(talc.hasNoParkedSlab());
    }

    @Test
    void shouldNotParkASlabFreedThroughTheRawApiButRejectItAtClose() {
        Talc talc = Talc.over(memory);
        settle(talc, 8);   // arenas open with the small slab, which a 1016-byte segment fills
        TalcStats before = talc.stats();
        Arena arena = talc.newArena();
        MemorySegment whole = arena.allocate(TalcArena.FIRST_SLAB);   // all of the first slab
        talc.free(whole.address() - memory.address(), TalcArena.FIRST_SLAB);   // the misuse
        IllegalStateException e = assertThrows(IllegalStateException.class, arena::close);
        assertTrue(e.getMessage().contains("reason=free-failed"), e.getMessage());
        assertTrue(talc.hasNoParkedSlab());
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        talc.verify();
    }

    // ---- ConcurrentTalc: one parked slab per platform thread ------------------------------------------

    /** Runs {@code body} on a new platform thread and waits for it, rethrowing what it threw. */
    private static void onPlatformThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void shouldParkPerThreadAndGiveBackFromAnyThread() throws InterruptedException {
        ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(2).build();
        TalcStats before = talc.stats();
        onPlatformThread(() -> {
            for (long size : new long[] {8, LARGE_FIRST}) {
                settle(talc, size);
                long first = scope(talc, size);
                assertFalse(talc.hasNoParkedSlabs());
                assertEquals(first, scope(talc, size), "the thread's next arena starts in the same slab");
            }
        });
        scope(talc, 8);   // this thread's own slot
        assertFalse(talc.hasNoParkedSlabs(), "both threads' slabs are parked (the other thread has ended)");
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        assertTrue(talc.hasNoParkedSlabs(), "stats() gave every parked slab back");
        talc.verify();
    }

    @Test
    void shouldGiveParkedSlabsBackBeforeAnAllocationFails() throws InterruptedException {
        ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(2).build();
        long largest = largestBlock(talc);
        onPlatformThread(() -> scope(talc, LARGE_FIRST));
        scope(talc, LARGE_FIRST);
        assertFalse(talc.hasNoParkedSlabs());
        long offset = talc.tryAllocate(largest, 8);
        assertTrue(offset >= 0, "the largest block still fits");
        talc.free(offset, largest);
        talc.verify();
    }

    @Test
    void shouldGiveParkedSlabsBackBeforeVerifying() throws InterruptedException {
        ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(2).build();
        onPlatformThread(() -> scope(talc, LARGE_FIRST));
        talc.verify();
        assertTrue(talc.hasNoParkedSlabs());
    }

    @Test
    void shouldLetANewThreadClaimTheSlotOfAnEndedOneAndGiveItsSlabBack() throws InterruptedException {
        ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(2).build();
        TalcStats before = talc.stats();
        long[] firstId = new long[1];
        onPlatformThread(() -> {
            firstId[0] = Thread.currentThread().threadId();
            scope(talc, LARGE_FIRST);
        });
        // a later thread whose id falls on the same slot (ids are handed out in sequence: within 64 threads)
        Thread sameSlot = null;
        List<Thread> others = new ArrayList<>();
        while (sameSlot == null) {
            Thread thread = Thread.ofPlatform().unstarted(() -> scope(talc, 8));
            if (((thread.threadId() - firstId[0]) & 63) == 0) {
                sameSlot = thread;
            } else {
                others.add(thread);
            }
        }
        sameSlot.start();
        sameSlot.join();
        assertFalse(talc.hasNoParkedSlabs(), "the new owner's own slab is parked");
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        talc.verify();
        assertTrue(others.size() < 64, "threads made: " + others.size());
    }

    @Test
    void shouldNeverParkForAVirtualThreadInCheckedModeOrBehindALock() throws InterruptedException {
        ConcurrentTalc concurrent = ConcurrentTalc.builder(memory).shards(2).build();
        Thread.ofVirtual().start(() -> scope(concurrent, 8)).join();
        assertTrue(concurrent.hasNoParkedSlabs(), "virtual thread");
        try (Arena other = Arena.ofShared()) {
            ConcurrentTalc checked = ConcurrentTalc.builder(other.allocate(MEMORY_BYTES, 4096)).checked(true).build();
            scope(checked, 8);
            assertTrue(checked.hasNoParkedSlabs(), "checked mode");
        }
        try (Arena other = Arena.ofShared()) {
            ConcurrentTalc locked = ConcurrentTalc.locked(Talc.over(other.allocate(MEMORY_BYTES, 4096)));
            scope(locked, 8);
            assertTrue(locked.hasNoParkedSlabs(), "locked(talc): the talc has an OomHandler of its own");
        }
    }

    /**
     * Two platform threads open and close arenas of random sizes (running out of memory at times) while
     * this thread allocates until the memory is full, frees, and reads statistics, which give parked slabs
     * back under the workers' feet; at the end the largest block still fits and everything is back.
     */
    @Test
    void shouldStayExactWhileThreadsParkAndOthersFillTheMemory() throws InterruptedException {
        ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(2).build();
        TalcStats before = talc.stats();
        long largest = largestBlock(talc);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            long seed = 0x5EED + w;
            workers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    for (int i = 0; i < 20_000; i++) {
                        try (Arena arena = talc.newArena()) {
                            int count = 1 + random.nextInt(3);
                            for (int j = 0; j < count; j++) {
                                MemorySegment segment = arena.allocate(1 + random.nextInt(4000));
                                segment.set(ValueLayout.JAVA_BYTE, segment.byteSize() - 1, (byte) 7);
                            }
                        } catch (OutOfMemoryError e) {
                            // the main thread filled the memory: nothing to check, the arena closed cleanly
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        SplittableRandom random = new SplittableRandom(42);
        List<long[]> held = new ArrayList<>();
        LongConsumer take = size -> {
            long offset = talc.tryAllocate(size, 16);
            if (offset >= 0) {
                held.add(new long[] {offset, size});
            }
        };
        while (workers.stream().anyMatch(Thread::isAlive)) {
            for (int i = 0; i < 200; i++) {
                take.accept(16 + random.nextInt(8192));
            }
            talc.stats();
            for (long[] block : held) {
                talc.free(block[0], block[1]);
            }
            held.clear();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertNull(failure.get(), () -> "worker failed: " + failure.get());
        // the workers' slabs are parked now: the largest block must still fit, and then all is as before
        long offset = talc.tryAllocate(largest, 8);
        assertTrue(offset >= 0, "the largest block fits after the workers' arenas closed");
        talc.free(offset, largest);
        ArenaContractTest.assertSameLiveCounters(before, talc.stats());
        talc.verify();
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.talc.Fixtures.assertFilled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a Talc does when nothing fits: the built-in handlers, and custom handlers that misbehave. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a handler bug must fail, not hang the build
class OomHandlerTest extends Fixtures.FreshMemory {
    private static final long MEMORY_BYTES = 1 << 20;

    OomHandlerTest() {
        super(MEMORY_BYTES, Arena::ofShared);
    }

    /** A heap of 4 KiB holding three live blocks larger than the quick bins keep, each with a pattern. */
    private List<Fixtures.Live> fillSome(Talc talc) {
        List<Fixtures.Live> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long offset = talc.tryAllocate(1100, 8);
            live.add(Fixtures.fill(memory, offset, 1100, Fixtures.pattern(i)));
        }
        return live;
    }

    @Test
    void shouldFailByDefaultWithoutChangingTheHeap() {
        Talc talc = new Talc(memory);
        talc.claim(new Span(0, 4096));
        List<Fixtures.Live> live = fillSome(talc);
        TalcStats before = talc.stats();
        OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> talc.allocate(1000, 8));
        assertTrue(oom.getMessage().contains("byteSize=1000"), oom.getMessage());
        assertTrue(oom.getMessage().contains("byteAlignment=8"), oom.getMessage());
        assertTrue(oom.getMessage().contains("availableBytes=" + before.availableBytes()), oom.getMessage());
        assertNull(oom.getCause());
        assertEquals(-1, talc.tryAllocate(1000, 8));
        assertEquals(-1, talc.tryAllocate(Long.MAX_VALUE, 8), "larger than any memory");
        assertThrows(OutOfMemoryError.class, () -> talc.allocate(8, 1L << 62));
        assertEquals(before, talc.stats());
        Fixtures.assertIntact(memory, live);
        talc.verify();
        assertSame(OomHandler.fail(), OomHandler.fail());
        assertEquals("OomHandler.fail()", OomHandler.fail().toString());
    }

    /**
     * DESIGN §4: "The heap is unchanged by a failed allocation." Before failing, Talc flushes the quick
     * bins (so cached chunks never strand memory), which merges adjacent cached chunks: today
     * {@code gapCount} drops from 3 to 2 although the allocation failed. Every other counter, the
     * contents and {@code verify()} are fine; the last assertion pins the documented promise.
     */
    @Test
    void shouldKeepStatsUnchangedByAFailedAllocationWhenQuickBinsHoldChunks() {
        Talc talc = new Talc(memory);
        talc.claim(new Span(0, 4096));
        long a = talc.tryAllocate(100, 8);
        long b = talc.tryAllocate(100, 8);
        List<Fixtures.Live> live = fillSome(talc);
        talc.free(a, 100);
        talc.free(b, 100);    // two adjacent cached chunks
        TalcStats before = talc.stats();
        assertEquals(-1, talc.tryAllocate(3000, 8));
        TalcStats after = talc.stats();
        assertEquals(before.availableBytes(), after.availableBytes());
        assertEquals(before.allocationCount(), after.allocationCount());
        assertEquals(before.claimedBytes(), after.claimedBytes());
        assertEquals(before.allocatedBytes(), after.allocatedBytes());
        assertEquals(before.heapCount(), after.heapCount());
        assertEquals(before.totalAllocationCount(), after.totalAllocationCount());
        // the documented exception: cached chunks may have merged with their neighbours
        assertTrue(after.gapCount() <= before.gapCount(), () -> before + " -> " + after);
        assertTrue(after.largestGapBytes() >= before.largestGapBytes(), () -> before + " -> " + after);
        Fixtures.assertIntact(memory, live);
        talc.verify();
    }

    @Test
    void shouldNotCallTheHandlerWhileCachedChunksHoldTheRoom() {
        AtomicInteger calls = new AtomicInteger();
        Talc talc = new Talc(memory, (t, size, alignment) -> calls.incrementAndGet() < 0);
        talc.claim(new Span(0, 4096));
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            blocks.add(talc.tryAllocate(400, 8));
        }
        for (long offset : blocks) {
            talc.free(offset, 400); // all cached in a quick bin
        }
        assertTrue(talc.stats().largestGapBytes() < 3000);
        long big = talc.tryAllocate(3000, 8);
        assertTrue(big >= 0);
        assertEquals(0, calls.get(), "the cached chunks were merged before asking the handler");
        talc.verify();
    }

    @Test
    void shouldClaimOnceThenFail() {
        Span span = new Span(4096, 8192);
        OomHandler handler = OomHandler.claimOnce(span);
        assertTrue(handler.toString().contains(span.toString()), handler.toString());
        Talc talc = new Talc(memory, handler);
        MemorySegment first = talc.allocate(100, 8);
        assertEquals(List.of(span), talc.heaps());
        assertTrue(span.contains(first.address() - memory.address()));
        while (talc.tryAllocate(100, 8) >= 0) {
            // fill the claimed heap
        }
        assertEquals(List.of(span), talc.heaps(), "claims only once");
        assertThrows(OutOfMemoryError.class, () -> talc.allocate(100, 8));
        assertEquals(1, talc.stats().totalHeapCount());
        talc.verify();
        assertThrows(NullPointerException.class, () -> OomHandler.claimOnce(null));
    }

    @Test
    void shouldFailWithTheClaimErrorAsCauseWhenClaimOnceCannotClaim() {
        Talc talc = new Talc(memory, OomHandler.claimOnce(new Span(0, 4096)));
        talc.claim(new Span(1024, 2048));
        long block = talc.tryAllocate(500, 8);
        TalcStats before = talc.stats();
        OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> talc.allocate(2000, 8));
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, oom.getCause());
        assertTrue(cause.getMessage().contains("reason=overlaps-heap"), cause.getMessage());
        assertEquals(before, talc.stats());
        talc.free(block, 500);
        talc.verify();
    }

    @Test
    void shouldDoubleTheHeapUpToTheLimitThenFail() {
        Span limit = new Span(64 << 10, 64 << 10 | 512 << 10); // [64 KiB, 576 KiB)
        Talc talc = new Talc(memory, OomHandler.extendDoubling(limit, 4096));
        List<Long> sizes = new ArrayList<>();
        List<Fixtures.Live> live = new ArrayList<>();
        while (true) {
            long offset = talc.tryAllocate(1000, 8);
            if (offset < 0) {
                break;
            }
            live.add(Fixtures.fill(memory, offset, 1000, Fixtures.pattern(live.size())));
            assertEquals(1, talc.heaps().size());
            long size = talc.heaps().getFirst().size();
            if (sizes.isEmpty() || sizes.getLast() != size) {
                sizes.add(size);
            }
        }
        assertEquals(List.of(4096L, 8192L, 16384L, 32768L, 65536L, 131072L, 262144L, 524288L), sizes);
        assertEquals(List.of(limit), talc.heaps(), "the heap filled the limit");
        assertThrows(OutOfMemoryError.class, () -> talc.allocate(1000, 8));
        Fixtures.assertIntact(memory, live);
        talc.verify();
        assertTrue(OomHandler.extendDoubling(limit, 4096).toString().contains("extendDoubling"));
    }

    @Test
    void shouldClaimAFirstHeapLargeEnoughForTheRequest() {
        Span limit = Span.ofSize(0, MEMORY_BYTES);
        Talc talc = new Talc(memory, OomHandler.extendDoubling(limit, 4096));
        MemorySegment big = talc.allocate(100_000, 4096);
        assertEquals(0, big.address() % 4096);
        assertTrue(talc.heaps().getFirst().size() >= 100_000);
        talc.verify();
        // a request larger than the whole limit: claims/extends as far as it can, then fails
        assertThrows(OutOfMemoryError.class, () -> talc.allocate(2 * MEMORY_BYTES, 8));
        talc.verify();
    }

    @Test
    void shouldRejectBadExtendDoublingArguments() {
        assertThrows(IllegalArgumentException.class, () -> OomHandler.extendDoubling(Span.ofSize(0, 4096), 39));
        assertThrows(IllegalArgumentException.class, () -> OomHandler.extendDoubling(Span.ofSize(0, 4096), 8192));
        assertThrows(NullPointerException.class, () -> OomHandler.extendDoubling(null, 4096));
    }

    @Test
    void shouldGrowAMappedFileOnDemand(@TempDir Path dir) throws IOException {
        long reserve = 16 << 20;
        Path file = dir.resolve("grow.heap");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             Arena mapping = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, reserve, mapping);
            channel.truncate(0);
            assertEquals(0, channel.size());
            Span limit = Span.ofSize(0, reserve);
            OomHandler handler = OomHandler.growMappedFile(channel, 0, limit, 4096);
            assertTrue(handler.toString().contains("growMappedFile"), handler.toString());
            Talc talc = new Talc(mapped, handler);
            List<Long> fileSizes = new ArrayList<>();
            List<Fixtures.Live> live = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                MemorySegment block = talc.allocate(3000, 8);
                live.add(Fixtures.fill(mapped, block.address() - mapped.address(), 3000, Fixtures.pattern(i)));
                long heapAcme = talc.heaps().getLast().acme();
                assertTrue(channel.size() >= heapAcme, "file size " + channel.size() + " backs the heap up to " + heapAcme);
                if (fileSizes.isEmpty() || fileSizes.getLast() != channel.size()) {
                    fileSizes.add(channel.size());
                }
            }
            assertTrue(fileSizes.size() >= 5, "the file grew step by step: " + fileSizes);
            for (int i = 1; i < fileSizes.size(); i++) {
                assertTrue(fileSizes.get(i) > fileSizes.get(i - 1), fileSizes::toString);
            }
            assertTrue(channel.size() <= 2 * 400 * 3008 + 4096, "grown only as needed: " + channel.size());
            Fixtures.assertIntact(mapped, live);
            talc.verify();

            // the file can no longer grow: the allocation fails with the I/O error as the cause
            channel.close();
            while (talc.tryAllocate(3000, 8) >= 0) {
                // use up what the file already backs
            }
            OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> talc.allocate(3000, 8));
            assertInstanceOf(UncheckedIOException.class, oom.getCause(), () -> String.valueOf(oom.getCause()));
            Fixtures.assertIntact(mapped, live);
            talc.verify();
        }
    }

    @Test
    void shouldRejectBadGrowMappedFileArguments(@TempDir Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            assertThrows(IllegalArgumentException.class,
                    () -> OomHandler.growMappedFile(channel, -1, Span.ofSize(0, 8192), 4096));
            assertThrows(IllegalArgumentException.class,
                    () -> OomHandler.growMappedFile(channel, 0, Span.ofSize(0, 8192), 16));
            assertThrows(NullPointerException.class,
                    () -> OomHandler.growMappedFile(null, 0, Span.ofSize(0, 8192), 4096));
        }
    }

    @Test
    void shouldFailWithTheHandlersExceptionAsCause() {
        RuntimeException failure = new IllegalStateException("handler broke");
        AtomicInteger calls = new AtomicInteger();
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            calls.incrementAndGet();
            t.claim(new Span(8192, 16384)); // makes room, then throws: the allocation must still fail
            throw failure;
        });
        talc.claim(new Span(0, 4096));
        List<Fixtures.Live> live = fillSome(talc);
        OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> talc.allocate(2000, 8));
        assertSame(failure, oom.getCause());
        assertTrue(oom.getMessage().contains("handler broke"), oom.getMessage());
        assertEquals(1, calls.get());
        Fixtures.assertIntact(memory, live);
        talc.verify();
    }

    @Test
    void shouldLeaveTheHeapUnchangedWhenTheHandlerThrowsWithoutMakingRoom() {
        RuntimeException failure = new UnsupportedOperationException("no more memory");
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            throw failure;
        });
        talc.claim(new Span(0, 4096));
        List<Fixtures.Live> live = fillSome(talc);
        TalcStats before = talc.stats();
        assertSame(failure, assertThrows(OutOfMemoryError.class, () -> talc.allocate(2000, 8)).getCause());
        assertEquals(-1, talc.tryAllocate(2000, 8), "tryAllocate reports the same failure as -1");
        assertEquals(before, talc.stats());
        Fixtures.assertIntact(memory, live);
        talc.verify();
    }

    @Test
    void shouldNotLoopWhenTheHandlerReturnsTrueWithoutMakingRoom() {
        AtomicInteger calls = new AtomicInteger();
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            calls.incrementAndGet();
            return true;
        });
        talc.claim(new Span(0, 4096));
        List<Fixtures.Live> live = fillSome(talc);
        TalcStats before = talc.stats();
        OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, () -> talc.allocate(2000, 8));
        assertEquals(1, calls.get());
        assertInstanceOf(IllegalStateException.class, oom.getCause());
        assertTrue(oom.getCause().getMessage().contains("without making room"), oom.getCause().getMessage());
        assertEquals(before, talc.stats());
        Fixtures.assertIntact(memory, live);
        talc.verify();
    }

    @Test
    void shouldRetryUntilTheHandlerMadeEnoughRoom() {
        // each call adds 256 bytes: not enough for a 2000-byte block until the eighth call
        AtomicInteger calls = new AtomicInteger();
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            calls.incrementAndGet();
            Span heap = t.heaps().getFirst();
            return !t.extend(heap, heap.extend(0, 256)).equals(heap);
        });
        talc.claim(new Span(0, 64));
        long block = talc.tryAllocate(2000, 8);
        assertEquals(16, block);
        assertEquals(8, calls.get());
        talc.verify();
    }

    @Test
    void shouldSucceedWhenTheHandlerFreesBlocks() {
        Deque<long[]> evictable = new ArrayDeque<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean evicting = new AtomicBoolean();
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            calls.incrementAndGet();
            long[] victim = evicting.get() ? evictable.pollFirst() : null;
            if (victim == null) {
                return false;
            }
            t.free(victim[0], victim[1]);
            return true;
        });
        talc.claim(new Span(0, 8192));
        long offset;
        while ((offset = talc.tryAllocate(600, 8)) >= 0) {
            evictable.add(new long[] {offset, 600});
        }
        int cached = evictable.size();
        calls.set(0);
        evicting.set(true);
        long big = talc.tryAllocate(1800, 8); // needs three adjacent 608-byte chunks
        assertTrue(big >= 0);
        assertTrue(calls.get() >= 3 && calls.get() < cached, "calls=" + calls.get());
        talc.verify();
        evictable.clear();
        assertEquals(-1, talc.tryAllocate(100_000, 8));
        talc.verify();
    }

    @Test
    void shouldAllowTheHandlerToAllocateRecursively() {
        List<long[]> bookkeeping = new ArrayList<>();
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        long[] nextHeap = {0};
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            int d = depth.incrementAndGet();
            maxDepth.accumulateAndGet(d, Math::max);
            try {
                if (d > 1) {
                    return false;                        // a nested call gives up
                }
                long again = t.tryAllocate(size, alignment); // recursive: fails and re-enters this handler
                assertEquals(-1, again);
                t.claim(Span.ofSize(nextHeap[0], 16384));
                nextHeap[0] += 16384;
                MemorySegment record = t.allocate(64, 8); // recursive: fits now, without the handler
                long at = record.address() - memory.address();
                assertTrue(t.heaps().stream().anyMatch(h -> h.contains(at)));
                bookkeeping.add(new long[] {record.address() - memory.address(), 64});
                return true;
            } finally {
                depth.decrementAndGet();
            }
        });
        List<Fixtures.Live> live = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            MemorySegment block = talc.allocate(8000, 8);
            live.add(Fixtures.fill(memory, block.address() - memory.address(), 8000, Fixtures.pattern(i)));
        }
        assertEquals(2, maxDepth.get());
        assertEquals(talc.heaps().size(), bookkeeping.size());
        assertEquals(20 + bookkeeping.size(), talc.stats().allocationCount());
        Fixtures.assertIntact(memory, live);
        talc.verify();
    }

    @Test
    void shouldTryTheFallbackHandlerWhenTheFirstGivesUp() {
        AtomicInteger firstCalls = new AtomicInteger();
        OomHandler first = (t, size, alignment) -> firstCalls.incrementAndGet() < 0;
        Span span = new Span(0, 4096);
        Talc talc = new Talc(memory, first.orElse(OomHandler.claimOnce(span)));
        MemorySegment block = talc.allocate(100, 8);
        assertEquals(1, firstCalls.get());
        assertEquals(List.of(span), talc.heaps());
        talc.free(block);
        assertThrows(NullPointerException.class, () -> first.orElse(null));
        talc.verify();
    }

    @Test
    void shouldPassTheFailedRequestToTheHandler() {
        List<long[]> requests = new ArrayList<>();
        Talc talc = new Talc(memory, (t, size, alignment) -> {
            requests.add(new long[] {size, alignment});
            return false;
        });
        assertEquals(-1, talc.tryAllocate(12345, 64));
        assertThrows(OutOfMemoryError.class, () -> talc.allocate(7, 1));
        assertEquals(2, requests.size());
        assertEquals(12345, requests.get(0)[0]);
        assertEquals(64, requests.get(0)[1]);
        assertEquals(7, requests.get(1)[0]);
        assertEquals(1, requests.get(1)[1]);
    }

    @Test
    void shouldFailAReallocationThatCannotMoveAndKeepTheOldBlock() {
        Talc talc = new Talc(memory);
        talc.claim(new Span(0, 4096));
        List<Fixtures.Live> live = fillSome(talc);
        Fixtures.Live first = live.getFirst();
        TalcStats before = talc.stats();
        assertEquals(-1, talc.tryReallocate(first.offset(), first.size(), 8, 3000));
        assertThrows(OutOfMemoryError.class,
                () -> talc.reallocate(memory.asSlice(first.offset(), first.size()), 3000));
        assertEquals(before, talc.stats());
        assertFilled(memory, first.offset(), first.size(), first.pattern());
        talc.free(first.offset(), first.size());
        talc.verify();
    }
}

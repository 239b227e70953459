package dev.talc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faulty OOM handlers and faulty memory: a handler that throws, lies or teases; a mapped file truncated
 * underneath the allocator; a closed arena; a confined arena used from another thread. The allocator
 * must fail with a clear exception, never crash the JVM, and — where the memory is still reachable —
 * stay exactly as it was.
 */
class FaultyHandlersAndMemoryTest {

    /** Fills the heap with blocks of {@code size} until nothing fits; returns them. */
    private static List<MemorySegment> fill(Talc talc, long size) {
        List<MemorySegment> blocks = new ArrayList<>();
        for (long offset; (offset = talc.tryAllocate(size, 8)) >= 0; ) {
            blocks.add(talc.memory().asSlice(offset, size).fill((byte) blocks.size()));
        }
        return blocks;
    }

    private static void checkFilled(List<MemorySegment> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            MemorySegment block = blocks.get(i);
            byte expected = (byte) i;
            assertEquals(-1, block.mismatch(MemorySegment.ofArray(new byte[(int) block.byteSize()]).fill(expected)),
                    "contents of block " + i);
        }
    }

    // =============================================================================================
    // OOM handlers.
    // =============================================================================================

    /** A handler that fails until {@link #set} arms it with another: heaps are filled first, then it misbehaves. */
    private static final class Switchable implements OomHandler {
        private OomHandler current = OomHandler.fail();
        final AtomicInteger calls = new AtomicInteger();

        void set(OomHandler handler) {
            current = handler;
        }

        @Override
        public boolean handleOom(Talc talc, long byteSize, long byteAlignment) {
            calls.incrementAndGet();
            return current.handleOom(talc, byteSize, byteAlignment);
        }
    }

    @Test
    void shouldFailTheAllocationWithTheCauseWhenTheHandlerThrows() {
        Switchable handler = new Switchable();
        Talc talc = new Talc(MemorySegment.ofArray(new long[1024]), handler);
        talc.claim(new Span(0, 4096));
        List<MemorySegment> blocks = fill(talc, 100);
        RuntimeException failure = new IllegalStateException("handler broke: disk=full");
        handler.set((t, size, alignment) -> {
            throw failure;
        });
        int calls = handler.calls.get();
        TalcStats before = talc.stats();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> talc.allocate(100, 8));
        assertSame(failure, e.getCause(), "the handler's exception is the cause");
        assertTrue(e.getMessage().contains("byteSize=100") && e.getMessage().contains("oomHandlerFailure="), e.getMessage());
        assertEquals(-1, talc.tryAllocate(100, 8), "the raw API returns -1");
        assertEquals(-1, talc.tryReallocate(blocks.getFirst().address(), 100, 8, 2000), "the old block is kept");
        assertThrows(OutOfMemoryError.class, () -> talc.reallocate(blocks.getFirst(), 2000));
        assertEquals(calls + 4, handler.calls.get(), "called once per failed request, never retried");
        assertEquals(before, talc.stats(), "nothing changed");
        talc.verify();
        checkFilled(blocks);
        talc.free(blocks.removeLast());
        assertTrue(talc.tryAllocate(100, 8) >= 0, "the allocator still works");
    }

    @Test
    void shouldPassAnErrorFromTheHandlerThroughAndStayUsable() {
        Switchable handler = new Switchable();
        Talc talc = new Talc(MemorySegment.ofArray(new long[1024]), handler);
        talc.claim(new Span(0, 4096));
        List<MemorySegment> blocks = fill(talc, 200);
        handler.set((t, size, alignment) -> {
            throw new StackOverflowError("deep handler");
        });
        TalcStats before = talc.stats();
        assertThrows(StackOverflowError.class, () -> talc.allocate(200, 8), "errors are not swallowed");
        assertEquals(before, talc.stats());
        talc.verify();
        checkFilled(blocks);
        handler.set(OomHandler.fail());
        talc.free(blocks.removeLast());
        assertTrue(talc.tryAllocate(200, 8) >= 0, "the allocator still works");
    }

    @Test
    void shouldFailAtOnceWhenTheHandlerLiesAboutMakingRoom() {
        Switchable handler = new Switchable();
        Talc talc = new Talc(MemorySegment.ofArray(new long[1024]), handler);
        talc.claim(new Span(0, 8192));
        List<MemorySegment> blocks = fill(talc, 64);
        talc.free(blocks.removeLast());
        talc.free(blocks.removeLast()); // cached in a quick bin: flushed before the handler is asked
        List<MemorySegment> more = fill(talc, 100);
        handler.set((t, size, alignment) -> true); // "retry", without adding any memory
        int calls = handler.calls.get();
        TalcStats before = talc.stats();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> talc.allocate(100, 8));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("without making room"), e.getCause().getMessage());
        assertEquals(calls + 1, handler.calls.get(), "no endless retry loop");
        assertEquals(TalcWorkload.semantic(before), TalcWorkload.semantic(talc.stats()));
        talc.verify();
        checkFilled(blocks);
        checkFilled(more);
    }

    @Test
    void shouldStopWhenTheHandlerMakesRoomButNeverEnough() {
        Switchable handler = new Switchable();
        Talc talc = new Talc(MemorySegment.ofArray(new long[2048]), handler);
        talc.claim(new Span(0, 8192));
        List<MemorySegment> blocks = fill(talc, 1000);
        AtomicReference<Span> next = new AtomicReference<>(new Span(8192, 8192 + Tag.MIN_HEAP));
        handler.set((t, size, alignment) -> {
            Span tiny = next.getAndUpdate(s -> s.extend(-s.size(), s.size())); // the next 48 bytes
            if (tiny.acme() > t.memory().byteSize()) {
                return true; // out of room to tease with: now only a lie
            }
            t.claim(tiny); // 32 more usable bytes each time: never enough for a 1000-byte block
            return true;
        });
        int calls = handler.calls.get();
        assertEquals(-1, talc.tryAllocate(1000, 8));
        assertEquals(calls + 171, handler.calls.get(), "called while it made room: 170 tiny heaps, then one lie");
        assertEquals(171, talc.heaps().size());
        talc.verify();
        checkFilled(blocks);
        assertTrue(talc.tryAllocate(16, 8) >= 0, "the tiny heaps it claimed are usable");
    }

    @Test
    void shouldSurfaceAnIllegalClaimByTheHandlerAsTheCause() {
        Switchable handler = new Switchable();
        Talc talc = new Talc(MemorySegment.ofArray(new long[1024]), handler);
        talc.claim(new Span(0, 2048));
        fill(talc, 100);
        handler.set(OomHandler.claimOnce(new Span(0, 4096))); // overlaps the heap
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> talc.allocate(100, 8));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("reason=overlaps-heap"), e.getCause().getMessage());
        talc.verify();
    }

    // =============================================================================================
    // Faulty memory.
    // =============================================================================================

    /**
     * A mapped file truncated underneath the allocator. Touching the lost pages raises SIGBUS, which the
     * JVM turns into {@link InternalError} for memory-segment access: an exception, not a crash. Every
     * operation that reads the lost pages fails that way, before changing anything: the allocator's own
     * fields stay as they were. The metadata in the lost pages is gone for good, though: once the file is
     * grown again (its new pages read as zeros), {@code verify()} reports the broken heap and frees are
     * rejected — the allocator over that file cannot be trusted any more.
     */
    @Test
    void shouldSurfaceATruncatedMappedFileAsAnExceptionNotACrash() throws IOException {
        Path file = Files.createTempFile("talc-truncated", ".heap");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE); Arena arena = Arena.ofShared()) {
            long bytes = 1 << 20;
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            Talc talc = Talc.over(memory);
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                blocks.add(talc.allocate(10_000, 8).fill((byte) i));
            }
            talc.free(blocks.remove(10)); // a gap in the middle
            TalcStats before = talc.stats();
            long chunkBytes = talc.chunks().chunkBytes;
            long gapCount = talc.chunks().gaps.count();

            channel.truncate(4096);

            for (Runnable touch : List.<Runnable>of(
                    () -> talc.free(blocks.get(40)),                 // reads the block's tag, past the file's end
                    () -> talc.allocate(20_000, 8),                  // reads the gap's size
                    () -> talc.reallocate(blocks.get(50), 30_000),
                    talc::verify,
                    () -> blocks.get(20).fill((byte) 1))) {          // the JDK's own access, for comparison
                InternalError e = assertThrows(InternalError.class, touch::run);
                assertTrue(e.getMessage().contains("unsafe memory access"), e.getMessage());
            }
            assertEquals(before, talc.stats(), "stats come from the allocator's own fields, which did not change");
            assertEquals(chunkBytes, talc.chunks().chunkBytes, "the allocator's own fields did not change");
            assertEquals(gapCount, talc.chunks().gaps.count());
            assertEquals(before.heapCount(), talc.heaps().size());

            channel.write(ByteBuffer.allocate(1), bytes - 1); // the file is whole again, the lost pages now zero
            IllegalStateException broken = assertThrows(IllegalStateException.class, talc::verify);
            assertTrue(broken.getMessage().contains("invariant="), broken.getMessage());
            assertThrows(IllegalArgumentException.class, () -> talc.free(blocks.get(40)), "its tag is gone");
        }
    }

    /** A closed arena: the JDK's IllegalStateException passes through, and the allocator's fields are unchanged. */
    @Test
    void shouldPassAClosedArenaThroughWithoutChangingTheAllocator() {
        Arena arena = Arena.ofShared();
        Talc talc = Talc.builder(arena.allocate(64 << 10, 4096)).checked(true).build();
        talc.claim(new Span(0, 32 << 10));
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            offsets.add(talc.tryAllocate(40 + i, 8));
        }
        for (int i = 0; i < 20; i += 2) {
            talc.free(offsets.get(i), 40 + i); // small: cached in the quick bins
        }
        TalcStats before = talc.stats();
        long quick = talc.chunks().quick.count();
        long chunkBytes = talc.chunks().chunkBytes;
        long gapCount = talc.chunks().gaps.count();
        long registered = talc.registry().count();
        arena.close();

        for (Runnable call : List.<Runnable>of(
                () -> talc.allocate(40, 8),                       // from a quick bin
                () -> talc.allocate(48, 64),                      // from a quick bin, at an aligned address
                () -> talc.allocate(1 << 20, 8),                  // fails over: would flush the quick bins first
                () -> talc.free(offsets.get(1), 41),
                () -> talc.tryReallocate(offsets.get(3), 43, 8, 5000),
                () -> talc.truncate(talc.heaps().getFirst(), Span.empty()),
                () -> talc.allocatedSpan(talc.heaps().getFirst()),
                () -> talc.claim(new Span(40 << 10, 48 << 10)),
                talc::verify)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        assertEquals(quick, talc.chunks().quick.count(), "cached chunks are still cached");
        assertEquals(chunkBytes, talc.chunks().chunkBytes);
        assertEquals(gapCount, talc.chunks().gaps.count());
        assertEquals(registered, talc.registry().count());
        assertEquals(before.heapCount(), talc.heaps().size());
        assertEquals(before.allocationCount(), talc.registry().count());
        assertEquals(before, talc.stats(), "stats need no access to the closed memory, and nothing changed");
    }

    /**
     * A confined arena used from another thread: the JDK's WrongThreadException passes through, and on its
     * own thread the allocator then works on, exactly as it was (this caught the quick-bin flush losing its
     * cached chunks).
     */
    @Test
    void shouldPassWrongThreadAccessThroughAndStayIntactForTheOwner() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(64 << 10, 4096));
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                offsets.add(talc.tryAllocate(64, 8));
            }
            for (int i = 0; i < 20; i += 2) {
                talc.free(offsets.get(i), 64);
            }
            TalcStats before = talc.stats();
            List<Throwable> thrown = new ArrayList<>();
            Thread other = Thread.ofPlatform().start(() -> {
                for (Runnable call : List.<Runnable>of(
                        () -> talc.allocate(64, 8),
                        () -> talc.allocate(1 << 20, 8),
                        () -> talc.free(offsets.get(1), 64),
                        () -> talc.truncate(talc.heaps().getFirst(), Span.empty()),
                        () -> talc.allocatedSpan(talc.heaps().getFirst()),
                        talc::verify)) {
                    try {
                        call.run();
                        thrown.add(null);
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }
            });
            other.join();
            assertEquals(6, thrown.size());
            for (Throwable e : thrown) {
                assertInstanceOf(WrongThreadException.class, e);
            }
            assertEquals(before, talc.stats(), "the owner sees the allocator as it was");
            talc.verify();
            assertNotEquals(-1, talc.tryAllocate(64, 8), "a cached chunk is handed out again");
            for (int i = 1; i < 20; i += 2) {
                talc.free(offsets.get(i), 64);
            }
            talc.verify();
        }
    }
}

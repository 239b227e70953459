package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * DESIGN §4: every misuse gets the documented exception with {@code key=value} detail and changes
 * nothing: stats identical, heaps identical, {@code verify()} passes, every live block's pattern intact.
 */
class ErrorsTest extends Fixtures.FreshMemory {
    private static final long MEMORY_BYTES = 64 << 10;
    private static final Span HEAP = new Span(4096, 32768);

    private Talc talc;
    private final List<Fixtures.Live> live = new ArrayList<>();

    ErrorsTest() {
        super(MEMORY_BYTES, Arena::ofShared);
    }

    /** A heap with live blocks of many sizes and alignments, and (optionally) chunks in the quick bins. */
    private Talc populate(boolean checked, boolean withCachedChunks) {
        talc = Talc.builder(memory).checked(checked).build();
        talc.claim(HEAP);
        long[][] shapes = {{0, 1}, {8, 8}, {100, 16}, {700, 64}, {2000, 8}, {5000, 4096}, {24, 8}, {1, 1}};
        List<long[]> doomed = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            if (withCachedChunks) {
                long size = 40 + 8 * i;
                doomed.add(new long[] {talc.tryAllocate(size, 8), size}); // freed below: cached in a quick bin
            }
            long offset = talc.tryAllocate(shapes[i][0], shapes[i][1]);
            live.add(Fixtures.fill(memory, offset, shapes[i][0], Fixtures.pattern(i)));
        }
        for (long[] block : doomed) {
            talc.free(block[0], block[1]);
        }
        assertEquals(withCachedChunks, !talc.chunks().quick.isEmpty());
        talc.verify();
        return talc;
    }

    private Fixtures.Live block(long size) {
        return live.stream().filter(b -> b.size() == size).findFirst().orElseThrow();
    }

    /** Runs {@code call}, expects {@code type} with every {@code detail} in its message, and no change. */
    private <X extends Throwable> X assertRejected(Class<X> type, Executable call, String... details) {
        TalcStats stats = talc.stats();
        List<Span> heaps = talc.heaps();
        long cached = talc.chunks().quick.count();
        X e = assertThrows(type, call);
        for (String detail : details) {
            assertTrue(String.valueOf(e.getMessage()).contains(detail),
                    () -> "expected \"" + detail + "\" in: " + e.getMessage());
        }
        assertEquals(stats, talc.stats(), () -> "stats changed by a rejected call: " + e);
        assertEquals(heaps, talc.heaps());
        assertEquals(cached, talc.chunks().quick.count(), "quick bins changed");
        talc.verify();
        Fixtures.assertIntact(memory, live);
        return e;
    }

    // ---- size and alignment --------------------------------------------------------------------

    @Test
    void shouldRejectBadSizeAndAlignmentAsSegmentAllocatorDoes() {
        populate(false, true);
        SegmentAllocator jdk = SegmentAllocator.slicingAllocator(Arena.ofAuto().allocate(4096));
        long[][] bad = {{-1, 8}, {Long.MIN_VALUE, 8}, {8, 0}, {8, -8}, {8, 3}, {8, 24}, {8, Long.MIN_VALUE},
                {-1, 3}};
        for (long[] request : bad) {
            long size = request[0];
            long alignment = request[1];
            assertThrows(IllegalArgumentException.class, () -> jdk.allocate(size, alignment),
                    "the JDK rejects it too");
            String detail = size < 0 ? "byteSize=" + size : "byteAlignment=" + alignment;
            assertRejected(IllegalArgumentException.class, () -> talc.allocate(size, alignment), detail);
            assertRejected(IllegalArgumentException.class, () -> talc.tryAllocate(size, alignment), detail);
        }
        Fixtures.Live b = block(100);
        assertRejected(IllegalArgumentException.class,
                () -> talc.tryReallocate(b.offset(), b.size(), 8, -1), "newByteSize=-1");
        assertRejected(IllegalArgumentException.class,
                () -> talc.tryReallocate(b.offset(), b.size(), 3, 200), "byteAlignment=3");
        assertRejected(IllegalArgumentException.class,
                () -> talc.reallocate(memory.asSlice(b.offset(), b.size()), -5), "newByteSize=-5");
        assertRejected(IllegalArgumentException.class,
                () -> talc.reallocate(memory.asSlice(b.offset(), b.size()), 10, 0), "byteAlignment=0");
        assertRejected(IllegalArgumentException.class, () -> talc.tryGrowInPlace(b.offset(), b.size(), 99),
                "newByteSize=99");
        assertRejected(IllegalArgumentException.class, () -> talc.shrink(b.offset(), b.size(), 101),
                "newByteSize=101");
        assertRejected(IllegalArgumentException.class, () -> talc.shrink(b.offset(), b.size(), -1),
                "newByteSize=-1");
    }

    @Test
    void shouldFailOutOfMemoryWithoutChange() {
        populate(false, false);
        OutOfMemoryError oom = assertRejected(OutOfMemoryError.class, () -> talc.allocate(100_000, 8),
                "byteSize=100000", "byteAlignment=8", "heapCount=1");
        assertTrue(oom.getMessage().contains("availableBytes="), oom.getMessage());
        assertRejected(OutOfMemoryError.class, () -> talc.allocate(64, 1 << 20), "byteAlignment=1048576");
        Fixtures.Live b = block(2000);
        assertRejected(OutOfMemoryError.class, () -> talc.reallocate(memory.asSlice(b.offset(), b.size()), 100_000));
        assertEquals(-1, talc.tryReallocate(b.offset(), b.size(), 8, 100_000));
        talc.verify();
        Fixtures.assertIntact(memory, live);
    }

    // ---- double frees --------------------------------------------------------------------------

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectADoubleFree(boolean checked) {
        populate(checked, true);
        for (long size : new long[] {2000, 5000, 100, 0, 8, 1}) {
            Fixtures.Live b = block(size);
            talc.free(b.offset(), b.size());
            live.remove(b);
            assertRejected(IllegalArgumentException.class, () -> talc.free(b.offset(), b.size()),
                    "free: ", "reason=", "offset=0x" + Long.toHexString(b.offset()),
                    "byteSize=" + size);
            assertRejected(IllegalArgumentException.class, () -> talc.free(memory.asSlice(b.offset(), b.size())),
                    "free");
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectADoubleFreeAfterCoalescingWithBothNeighbours(boolean checked) {
        populate(checked, true);
        long a = talc.tryAllocate(1500, 8);
        long b = talc.tryAllocate(1500, 8);
        long c = talc.tryAllocate(1500, 8);
        long d = talc.tryAllocate(1500, 8);
        live.add(Fixtures.fill(memory, d, 1500, (byte) 0x6D));
        assertEquals(a + Tag.chunkSize(1500), b, "a, b, c, d are neighbours");
        assertEquals(b + Tag.chunkSize(1500), c);
        talc.free(a, 1500);
        talc.free(c, 1500);
        long gaps = talc.stats().gapCount();
        talc.free(b, 1500);                         // merges with a below and c above
        assertEquals(gaps - 1, talc.stats().gapCount());
        assertRejected(IllegalArgumentException.class, () -> talc.free(b, 1500), "reason=");
        assertRejected(IllegalArgumentException.class, () -> talc.free(a, 1500), "reason=");
        assertRejected(IllegalArgumentException.class, () -> talc.free(c, 1500), "reason=");
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectADoubleFreeOfABlockInAQuickBinAndAfterTheFlush(boolean checked) {
        populate(checked, true);
        long small = talc.tryAllocate(40, 8);
        long zero = talc.tryAllocate(0, 8);
        talc.free(small, 40);
        talc.free(zero, 0);
        assertTrue(talc.chunks().quick.count() >= 2);
        assertRejected(IllegalArgumentException.class, () -> talc.free(small, 40), "reason=");
        assertRejected(IllegalArgumentException.class, () -> talc.free(zero, 0), "reason=");
        talc.allocatedSpan(HEAP);                 // flushes the quick bins: the chunks merge into gaps
        assertTrue(talc.chunks().quick.isEmpty());
        assertRejected(IllegalArgumentException.class, () -> talc.free(small, 40), "reason=");
        assertRejected(IllegalArgumentException.class, () -> talc.free(zero, 0), "reason=");
    }

    // ---- blocks this allocator never returned --------------------------------------------------

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectAnOffsetOutsideEveryHeap(boolean checked) {
        populate(checked, true);
        for (long offset : new long[] {-8, 0, 8, HEAP.base() - 8, HEAP.acme(), MEMORY_BYTES - 8, MEMORY_BYTES,
                Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertRejected(IllegalArgumentException.class, () -> talc.free(offset, 8), "reason=outside-heaps");
            assertRejected(IllegalArgumentException.class, () -> talc.tryReallocate(offset, 8, 8, 16),
                    "reason=outside-heaps");
            assertRejected(IllegalArgumentException.class, () -> talc.tryGrowInPlace(offset, 8, 16),
                    "reason=outside-heaps");
            assertRejected(IllegalArgumentException.class, () -> talc.shrink(offset, 8, 0), "reason=outside-heaps");
        }
        assertRejected(IllegalArgumentException.class, () -> talc.free(HEAP.base(), 0), "reason=");
        assertRejected(IllegalArgumentException.class, () -> talc.free(block(100).offset(), -1),
                "reason=negative-size");
        assertRejected(IllegalArgumentException.class, () -> talc.free(HEAP.acme() - 8, 100), "reason=");
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectAForeignSegment(boolean checked) {
        populate(checked, true);
        try (Arena other = Arena.ofConfined()) {
            MemorySegment foreign = other.allocate(100, 16);
            assertRejected(IllegalArgumentException.class, () -> talc.free(foreign), "reason=foreign-segment");
            assertRejected(IllegalArgumentException.class, () -> talc.reallocate(foreign, 200),
                    "reason=foreign-segment");
        }
        assertRejected(IllegalArgumentException.class, () -> talc.free(MemorySegment.ofArray(new long[16])),
                "reason=foreign-segment");
        MemorySegment beyond = memory.asSlice(MEMORY_BYTES - 16, 16);
        assertRejected(IllegalArgumentException.class, () -> talc.free(beyond.reinterpret(32)),
                "reason=foreign-segment");

        long[] array = new long[1024];
        Talc heapTalc = Talc.builder(MemorySegment.ofArray(array)).checked(checked).claimAll().build();
        MemorySegment mine = heapTalc.allocate(64, 8);
        MemorySegment sameOffsetOtherArray = MemorySegment.ofArray(new long[1024])
                .asSlice(mine.address() - heapTalc.memory().address(), 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heapTalc.free(sameOffsetOtherArray));
        assertTrue(e.getMessage().contains("reason=foreign-segment"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> heapTalc.free(memory.asSlice(0, 64)), "native into heap");
        assertThrows(IllegalArgumentException.class, () -> talc.free(mine), "heap into native");
        heapTalc.free(mine);
        heapTalc.verify();
    }

    @Test
    void shouldRejectInteriorPointersAndWrongSizesInCheckedMode() {
        populate(true, true);
        for (Fixtures.Live b : List.copyOf(live)) {
            if (b.size() >= 16) {
                assertRejected(IllegalArgumentException.class, () -> talc.free(b.offset() + 8, b.size() - 8),
                        "reason=not-a-live-block", "offset=0x" + Long.toHexString(b.offset() + 8));
                assertRejected(IllegalArgumentException.class, () -> talc.free(b.offset() + 8, b.size()),
                        "reason=not-a-live-block");
                assertRejected(IllegalArgumentException.class,
                        () -> talc.free(memory.asSlice(b.offset() + 1, b.size() - 1)), "reason=not-a-live-block");
            }
            for (long wrong : new long[] {b.size() + 1, b.size() + 8, b.size() + 100, Math.max(0, b.size() - 1)}) {
                if (wrong == b.size()) {
                    continue;
                }
                assertRejected(IllegalArgumentException.class, () -> talc.free(b.offset(), wrong),
                        "reason=wrong-size (live block has byteSize=" + b.size() + ")", "byteSize=" + wrong);
                assertRejected(IllegalArgumentException.class,
                        () -> talc.tryReallocate(b.offset(), wrong, 1, wrong + 50), "reason=wrong-size");
                assertRejected(IllegalArgumentException.class, () -> talc.tryGrowInPlace(b.offset(), wrong, wrong + 8),
                        "reason=wrong-size");
                assertRejected(IllegalArgumentException.class, () -> talc.shrink(b.offset(), wrong, 0),
                        "reason=wrong-size");
            }
        }
        // every offset of the heap that is not a block start
        for (long offset = HEAP.base(); offset < HEAP.acme(); offset += 8) {
            long at = offset;
            if (live.stream().noneMatch(b -> b.offset() == at)) {
                assertThrows(IllegalArgumentException.class, () -> talc.free(at, 0), "offset " + at);
            }
        }
        assertEquals(live.size(), talc.stats().allocationCount());
        talc.verify();
        Fixtures.assertIntact(memory, live);
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectResizingAFreedBlock(boolean checked) {
        populate(checked, true);
        for (long size : new long[] {2000, 100, 0}) {
            Fixtures.Live b = block(size);
            talc.free(b.offset(), b.size());
            live.remove(b);
            MemorySegment segment = memory.asSlice(b.offset(), b.size());
            assertRejected(IllegalArgumentException.class, () -> talc.tryReallocate(b.offset(), size, 1, size + 500),
                    "reallocate", "reason=");
            assertRejected(IllegalArgumentException.class, () -> talc.tryReallocate(b.offset(), size, 1, 0),
                    "reallocate", "reason=");
            assertRejected(IllegalArgumentException.class, () -> talc.reallocate(segment, size + 500), "reason=");
            assertRejected(IllegalArgumentException.class, () -> talc.tryGrowInPlace(b.offset(), size, size + 8),
                    "tryGrowInPlace", "reason=");
            assertRejected(IllegalArgumentException.class, () -> talc.shrink(b.offset(), size, 0), "shrink", "reason=");
        }
    }

    // ---- heaps ---------------------------------------------------------------------------------

    @Test
    void shouldRejectBadSpansWithoutChange() {
        populate(false, true);
        assertRejected(IllegalArgumentException.class, () -> talc.claim(new Span(-8, 100)), "reason=outside-memory",
                "span=");
        assertRejected(IllegalArgumentException.class, () -> talc.claim(new Span(60_000, MEMORY_BYTES + 8)),
                "reason=outside-memory", "memoryBytes=" + MEMORY_BYTES);
        assertRejected(IllegalArgumentException.class, () -> talc.claim(new Span(0, 4104)), "reason=overlaps-heap",
                "heap=" + HEAP);
        assertRejected(IllegalArgumentException.class, () -> talc.claim(HEAP), "reason=overlaps-heap");
        Span other = talc.claim(new Span(40_000, 50_000));
        assertRejected(IllegalArgumentException.class, () -> talc.extend(HEAP, new Span(4096, 40_008)),
                "reason=overlaps-heap", "heap=" + other);
        assertRejected(IllegalArgumentException.class, () -> talc.extend(other, new Span(32_760, 50_000)),
                "reason=overlaps-heap", "heap=" + HEAP);
        assertRejected(IllegalArgumentException.class, () -> talc.extend(other, new Span(40_000, MEMORY_BYTES + 1)),
                "reason=outside-memory");
        assertRejected(IllegalArgumentException.class, () -> talc.extend(new Span(0, 64), new Span(0, 128)),
                "reason=not-a-heap");
        assertRejected(IllegalArgumentException.class, () -> talc.allocatableSpan(new Span(4096, 8192)),
                "reason=not-a-heap");
    }

    /**
     * A rejected truncate must change nothing, like every other misuse. Today {@code truncate} flushes
     * the quick bins before it validates {@code newHeap} (Talc.java, truncate: flushQuickBins() precedes
     * the not-inside-heap check), so the cached chunks are merged although the call is rejected.
     */
    @Test
    void shouldRejectATruncateOutsideTheHeapWithoutChange() {
        populate(false, true);
        assertRejected(IllegalArgumentException.class, () -> talc.truncate(new Span(0, 4096), Span.empty()),
                "reason=not-a-heap");
        assertRejected(IllegalArgumentException.class, () -> talc.truncate(HEAP, new Span(0, 8192)),
                "reason=not-inside-heap");
    }

    // ---- the memory's arena --------------------------------------------------------------------

    /** Java-side state that can be read without touching the (possibly closed) memory. */
    private record JavaState(String summary, long chunkBytes, long availableBytes, long gaps, long cached,
                             List<Span> heaps) {
        static JavaState of(Talc talc) {
            return new JavaState(talc.toString(), talc.chunks().chunkBytes, talc.availableBytes(), talc.chunks().gaps.count(),
                    talc.chunks().quick.count(), talc.heaps());
        }
    }

    @Test
    void shouldPassTheJdkExceptionThroughWhenTheArenaIsClosed() {
        populate(false, true);
        JavaState before = JavaState.of(talc);
        arena.close();
        assertThrows(IllegalStateException.class, () -> talc.allocate(100, 8));
        assertThrows(IllegalStateException.class, () -> talc.tryAllocate(5000, 8));
        assertThrows(IllegalStateException.class, () -> talc.allocate(48, 8), "a size a quick bin holds");
        Fixtures.Live b = live.getFirst();
        assertThrows(IllegalStateException.class, () -> talc.free(b.offset(), b.size()));
        assertThrows(IllegalStateException.class, () -> talc.tryReallocate(b.offset(), b.size(), 1, 10_000));
        assertThrows(IllegalStateException.class, () -> talc.claim(new Span(40_000, 50_000)));
        assertThrows(IllegalStateException.class, () -> talc.truncate(HEAP, Span.empty()));
        assertEquals(before, JavaState.of(talc));
    }

    @Test
    void shouldPassWrongThreadExceptionThroughForAConfinedArena() throws Exception {
        try (Arena confined = Arena.ofConfined()) {
            talc = Talc.over(confined.allocate(MEMORY_BYTES, 4096));
            long offset = talc.tryAllocate(100, 8);
            long cached = talc.tryAllocate(40, 8);
            talc.free(cached, 40);
            JavaState before = JavaState.of(talc);
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                List<Executable> calls = List.of(() -> talc.allocate(100, 8), () -> talc.allocate(40, 8),
                        () -> talc.free(offset, 100), () -> talc.tryReallocate(offset, 100, 8, 5000));
                for (Executable call : calls) {
                    try {
                        call.execute();
                        return new AssertionError("no exception");
                    } catch (WrongThreadException expected) {
                        // as documented
                    } catch (Throwable t) {
                        return t;
                    }
                }
                return null;
            });
            Throwable failure;
            try {
                failure = result.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            if (failure != null) {
                fail("expected WrongThreadException", failure);
            }
            assertEquals(before, JavaState.of(talc));
            talc.free(offset, 100);
            talc.verify();
        }
    }

    /**
     * The slow path of a failing allocation flushes the quick bins; from a wrong thread, the flush
     * must fail before changing anything, so the owner can go on using the allocator. Today
     * Talc.flushQuickBins empties a quick-bin list (QuickBins.take) before its first memory read
     * (QuickBins.next) throws, so the list's chunks are lost: still tagged CACHED but in no list.
     */
    @Test
    void shouldKeepTheQuickBinsWhenAWrongThreadFailsInTheSlowPath() throws Exception {
        try (Arena confined = Arena.ofConfined()) {
            talc = Talc.over(confined.allocate(MEMORY_BYTES, 4096));
            long offset = talc.tryAllocate(100, 8);
            long cached = talc.tryAllocate(40, 8);
            long above = talc.tryAllocate(40, 8);
            talc.free(cached, 40); // both neighbours in use: it goes to a quick bin
            JavaState before = JavaState.of(talc);
            Throwable thrown = CompletableFuture.supplyAsync(() -> {
                try {
                    talc.tryAllocate(1 << 20, 8); // fits nowhere: the slow path flushes the quick bins
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).get();
            assertInstanceOf(WrongThreadException.class, thrown);
            talc.verify();
            assertEquals(before, JavaState.of(talc));
            talc.free(above, 40);
            talc.free(offset, 100);
            talc.verify();
        }
    }

    @Test
    void shouldRejectNullArguments() {
        populate(false, true);
        assertRejected(NullPointerException.class, () -> talc.claim(null));
        assertRejected(NullPointerException.class, () -> talc.extend(HEAP, null));
        assertRejected(NullPointerException.class, () -> talc.extend(null, HEAP));
        assertRejected(NullPointerException.class, () -> talc.free((MemorySegment) null));
    }
}

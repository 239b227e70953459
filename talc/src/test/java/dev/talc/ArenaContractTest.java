package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract of {@link TalcAllocator#newArena()} (issue "Scoped arenas"), written against the interface
 * only, for every native kind of memory; one subclass per implementation says how to make one. Every test
 * ends by checking that the allocator is exactly as it was before its arenas opened (live counters,
 * {@code verify()}).
 */
abstract class ArenaContractTest {
    static final long MEMORY_BYTES = 1 << 20;
    /** Junk the memory is filled with before the allocator takes it, so that zeroing is seen. */
    private static final byte JUNK = (byte) 0x5A;

    /** Makes the allocator under test over the whole of {@code memory}. */
    abstract TalcAllocator create(MemorySegment memory);

    /** An allocator over fresh memory of one kind, checked for leftovers when closed. */
    final class Fixture implements AutoCloseable {
        final MemoryKind.Backing backing;
        final MemorySegment memory;
        final TalcAllocator allocator;
        final TalcStats initial;

        Fixture(MemoryKind kind) {
            backing = kind.open(MEMORY_BYTES);
            memory = backing.segment();
            memory.fill(JUNK);
            allocator = create(memory);
            initial = allocator.stats();
        }

        /** Fails unless every block is back: the live counters as when the fixture opened, and verify() passes. */
        void assertNothingLeft() {
            assertSameLiveCounters(initial, allocator.stats());
            allocator.verify();
        }

        @Override
        public void close() {
            try {
                if (memory.scope().isAlive()) {
                    assertNothingLeft();
                }
            } finally {
                backing.close();
            }
        }
    }

    /**
     * Fails unless {@code actual} has the live blocks, allocated, claimed and available bytes of
     * {@code expected}; availableBytes counted with the 16-byte sentinel of each heap, since a
     * {@link ConcurrentTalc} may have merged the free memory of shards' heaps meanwhile (one heap and one
     * sentinel fewer).
     */
    static void assertSameLiveCounters(TalcStats expected, TalcStats actual) {
        String detail = "expected\n" + expected + "\nactual\n" + actual;
        assertEquals(expected.allocationCount(), actual.allocationCount(), detail);
        assertEquals(expected.allocatedBytes(), actual.allocatedBytes(), detail);
        assertEquals(expected.claimedBytes(), actual.claimedBytes(), detail);
        assertEquals(expected.availableBytes() + Tag.SENTINEL * expected.heapCount(),
                actual.availableBytes() + Tag.SENTINEL * actual.heapCount(), detail);
    }

    /** Fails unless the live counters and the heap count are exactly as they were: for rejected calls. */
    static void assertUnchanged(TalcStats expected, TalcStats actual) {
        assertSameLiveCounters(expected, actual);
        assertEquals(expected.heapCount(), actual.heapCount(), () -> "heaps, expected\n" + expected + "\nactual\n" + actual);
    }

    private static void assertZeroed(MemorySegment segment) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                fail("byte " + i + " of " + segment + " is not zero");
            }
        }
    }

    private static void assertInside(MemorySegment memory, MemorySegment segment) {
        assertTrue(segment.isNative(), "native");
        assertTrue(segment.address() >= memory.address()
                && segment.address() + segment.byteSize() <= memory.address() + memory.byteSize(),
                () -> segment + " inside " + memory);
    }

    private static void assertDead(MemorySegment segment) {
        assertFalse(segment.scope().isAlive());
        if (segment.byteSize() > 0) {   // (a read of an empty segment fails its bounds check first)
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        }
        assertThrows(IllegalStateException.class, () -> segment.fill((byte) 1));
    }

    /** Runs {@code call} on a new thread and returns what it threw (null if nothing). */
    private static Throwable onAnotherThread(Runnable call) {
        try {
            CompletableFuture.runAsync(call, r -> Thread.ofPlatform().start(r)).get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static <X extends Throwable> X assertRejected(Class<X> type, String detail, Supplier<TalcStats> stats,
                                                          org.junit.jupiter.api.function.Executable call) {
        TalcStats before = stats.get();
        X e = assertThrows(type, call);
        assertTrue(String.valueOf(e.getMessage()).contains(detail), () -> "expected " + detail + " in " + e.getMessage());
        assertUnchanged(before, stats.get());
        return e;
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldHandOutZeroedSegmentsOfExactlyTheSizeAndAlignmentInsideTheMemory(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            List<MemorySegment> segments = new ArrayList<>();
            try (Arena arena = f.allocator.newArena()) {
                for (long alignment = 1; alignment <= 16 << 10; alignment <<= 1) {
                    for (long size : new long[] {0, 1, 7, 8, 13, 33, 64, 65, 100, 1000, 3000, 20_000}) {
                        MemorySegment segment = arena.allocate(size, alignment);
                        assertEquals(size, segment.byteSize());
                        assertEquals(0, segment.address() % alignment, () -> segment + " aligned to ");
                        assertInside(f.memory, segment);
                        assertSame(arena.scope(), segment.scope());
                        assertTrue(segment.isAccessibleBy(Thread.currentThread()));
                        assertZeroed(segment);
                        segment.fill((byte) segments.size());
                        segments.add(segment);
                    }
                }
                segments.sort((x, y) -> Long.compare(x.address(), y.address()));
                for (int i = 1; i < segments.size(); i++) {
                    MemorySegment below = segments.get(i - 1);
                    MemorySegment above = segments.get(i);
                    assertTrue(below.address() + Math.max(1, below.byteSize()) <= above.address(),
                            () -> "overlap or shared address: " + below + " and " + above);
                }
                f.allocator.verify();
            }
            segments.forEach(ArenaContractTest::assertDead);
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldKillEverySegmentAndGiveEveryBlockBackOnClose(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            SplittableRandom random = new SplittableRandom(15);
            List<MemorySegment> segments = new ArrayList<>();
            Arena arena = f.allocator.newArena();
            for (int i = 0; i < 300; i++) {
                long size = random.nextInt(8) == 0 ? random.nextLong(2000, 20_000) : random.nextLong(0, 300);
                MemorySegment segment = arena.allocate(size, 1L << random.nextInt(7));
                segment.fill(Fixtures.pattern(i));
                segments.add(segment);
            }
            assertTrue(f.allocator.stats().allocatedBytes() > 0, "the arena's blocks are taken from the allocator");
            for (int i = 0; i < segments.size(); i++) {   // no segment overwrote another
                MemorySegment expected = MemorySegment.ofArray(new byte[(int) segments.get(i).byteSize()])
                        .fill(Fixtures.pattern(i));
                assertEquals(-1, segments.get(i).mismatch(expected), "segment " + i);
            }
            arena.close();
            assertFalse(arena.scope().isAlive());
            segments.forEach(ArenaContractTest::assertDead);
            f.assertNothingLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldRejectASecondCloseAndAnAllocationAfterCloseChangingNothing(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            Arena arena = f.allocator.newArena();
            arena.allocate(100, 8);
            arena.close();
            // the JDK's own exceptions, as from a closed Arena.ofConfined()
            assertRejected(IllegalStateException.class, "Already closed", f.allocator::stats, arena::close);
            assertRejected(IllegalStateException.class, "Already closed", f.allocator::stats,
                    () -> arena.allocate(8, 8));
            assertRejected(IllegalStateException.class, "Already closed", f.allocator::stats,
                    () -> arena.allocateFrom("late"));
            assertRejected(IllegalStateException.class, "Already closed", f.allocator::stats,
                    () -> arena.allocate(100_000, 8));
            f.assertNothingLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldRejectUseFromAnotherThreadChangingNothing(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {
                MemorySegment segment = arena.allocate(64, 8);
                segment.set(ValueLayout.JAVA_LONG, 0, 42);
                MemorySegment neighbour = arena.allocate(64, 8);
                neighbour.fill((byte) 0x33);
                TalcStats before = f.allocator.stats();
                Throwable allocate = onAnotherThread(() -> arena.allocate(8, 8));
                Throwable close = onAnotherThread(arena::close);
                Throwable access = onAnotherThread(() -> segment.get(ValueLayout.JAVA_LONG, 0));
                Throwable allocateBig = onAnotherThread(() -> arena.allocate(100_000, 8));
                Throwable helper = onAnotherThread(() -> arena.allocateFrom(ValueLayout.JAVA_INT, 1));
                assertInstanceOf(WrongThreadException.class, allocate);
                assertInstanceOf(WrongThreadException.class, allocateBig);
                assertInstanceOf(WrongThreadException.class, helper);
                assertInstanceOf(WrongThreadException.class, close);
                assertInstanceOf(WrongThreadException.class, access);
                assertFalse(segment.isAccessibleBy(new Thread(() -> { })));
                assertUnchanged(before, f.allocator.stats());
                assertTrue(arena.scope().isAlive(), "a close from another thread closes nothing");
                assertEquals(42, segment.get(ValueLayout.JAVA_LONG, 0));
                MemorySegment next = arena.allocate(8, 8);   // still usable by its owner, and nothing moved
                assertEquals(neighbour.address() + 64, next.address());
                assertEquals(-1, neighbour.mismatch(MemorySegment.ofArray(new byte[64]).fill((byte) 0x33)),
                        "another thread's allocation zeroed nothing");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldRejectBadSizesAndAlignmentsChangingNothing(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {
                MemorySegment first = arena.allocate(8, 8);
                for (long[] bad : new long[][] {{-1, 8}, {8, 0}, {8, -16}, {8, 12}, {Long.MIN_VALUE, 1}}) {
                    assertRejected(IllegalArgumentException.class, "=", f.allocator::stats,
                            () -> arena.allocate(bad[0], bad[1]));
                }
                MemorySegment next = arena.allocate(8, 8);
                assertEquals(first.address() + 8, next.address(), "the rejected calls took no space");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldLeaveNothingBehindWithNestedArenasInterleavedWithRawBlocks(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            TalcAllocator a = f.allocator;
            long raw = a.tryAllocate(500, 16);
            Arena outer = a.newArena();
            MemorySegment outerSegment = outer.allocateFrom("outer");
            MemorySegment rawSegment = a.allocate(3000, 64);
            MemorySegment innerSegment;
            try (Arena inner = a.newArena()) {
                innerSegment = inner.allocate(ValueLayout.JAVA_LONG, 1000);
                long rawToo = a.tryAllocate(70, 8);
                try (Arena innermost = a.newArena()) {
                    innermost.allocate(10_000, 4096).fill((byte) 3);
                    a.free(rawSegment);
                }
                assertEquals("outer", outerSegment.getString(0));
                a.free(rawToo, 70);
            }
            assertDead(innerSegment);
            assertEquals("outer", outerSegment.getString(0), "an inner close leaves the outer arena alone");
            Arena later = a.newArena();   // opened inside the outer one, closed after it: not in stack order
            MemorySegment laterSegment = later.allocate(100, 8);
            outer.close();
            assertDead(outerSegment);
            assertTrue(later.scope().isAlive());
            laterSegment.fill((byte) 7);
            later.close();
            a.free(raw, 500);
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldLeaveNothingBehindAfterThousandsOfArenasInARow(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < 5000; i++) {
                try (Arena arena = f.allocator.newArena()) {
                    int count = random.nextInt(12);
                    for (int j = 0; j < count; j++) {
                        long size = random.nextInt(20) == 0 ? random.nextLong(2048, 30_000) : random.nextLong(1, 1100);
                        MemorySegment segment = arena.allocate(size, 1L << random.nextInt(6));
                        segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                        segment.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 1);
                    }
                }
                if (i % 1000 == 0) {
                    f.assertNothingLeft();
                }
            }
        }
    }

    /** Live blocks of the allocator beyond those it had when the fixture opened. */
    private static long blocksTaken(Fixture f) {
        return f.allocator.stats().allocationCount() - f.initial.allocationCount();
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE"})
    void shouldGrowPastTheFirstSlabAndOpenTheThreadsNextArenaWithTheLargerSlab(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {   // a small scope: the next arena opens with the first slab
                arena.allocate(8, 8);
            }
            try (Arena arena = f.allocator.newArena()) {
                assertEquals(1, blocksTaken(f), "the first slab");
                MemorySegment big = arena.allocate(TalcArena.FIRST_SLAB + 8, 8);
                assertZeroed(big);
                assertInside(f.memory, big);
                assertEquals(1, blocksTaken(f), "the untouched first slab was given back for the larger one");
                MemorySegment next = arena.allocate(100, 8);
                assertEquals(big.address() + big.byteSize(), next.address(), "bumped in the same slab");
                big.fill((byte) 1);
                next.fill((byte) 2);
            }
            f.assertNothingLeft();
            try (Arena arena = f.allocator.newArena()) {   // this thread's last scope outgrew the first slab
                MemorySegment a = arena.allocate(1024, 8);
                MemorySegment b = arena.allocate(1024, 8);
                assertEquals(1, blocksTaken(f), "two 1 KiB segments in the larger slab it opened with");
                assertEquals(a.address() + 1024, b.address());
                assertZeroed(a);
                assertZeroed(b);
            }
            try (Arena arena = f.allocator.newArena()) {   // the larger slab again, of which this scope uses 16 bytes
                arena.allocate(16, 8);
                assertEquals(1, blocksTaken(f));
            }
            try (Arena arena = f.allocator.newArena()) {   // the last scope fitted the first slab: back to it
                arena.allocate(16, 8);
                MemorySegment more = arena.allocate(TalcArena.FIRST_SLAB, 8);   // no longer fits: a second slab
                assertEquals(2, blocksTaken(f), "the touched first slab stays on record beside the second");
                assertZeroed(more);
            }
            f.assertNothingLeft();
        }
    }

    @Test
    void shouldOpenWithTheFirstSlabWhenTheLargerOneNoLongerFits() {
        try (Fixture f = new Fixture(MemoryKind.NATIVE)) {
            try (Arena arena = f.allocator.newArena()) {   // makes this thread's next arena ask for the larger slab
                arena.allocate(1024, 8);
                arena.allocate(1024, 8);
            }
            List<Long> raw = new ArrayList<>();
            for (long offset; (offset = f.allocator.tryAllocate(2000, 16)) >= 0; ) {
                raw.add(offset);
            }
            f.allocator.free(raw.removeLast(), 2000);   // room for the first slab, not for the larger one
            assertTrue(f.allocator.tryAllocate(TalcArena.SECOND_SLAB, 16) < 0, f.allocator.stats()::toString);
            long before = f.allocator.stats().allocationCount();
            try (Arena arena = f.allocator.newArena()) {
                assertEquals(before + 1, f.allocator.stats().allocationCount(), "the first slab");
                MemorySegment segment = arena.allocate(100, 8);
                assertZeroed(segment);
                assertInside(f.memory, segment);
            }
            assertEquals(before, f.allocator.stats().allocationCount());
            for (long offset : raw) {
                f.allocator.free(offset, 2000);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldGiveEverythingBackWhenClosedWhileAnExceptionUnwinds(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            List<MemorySegment> segments = new ArrayList<>();
            IllegalStateException thrown = new IllegalStateException("downcall failed: errno=5");
            IllegalStateException caught = assertThrows(IllegalStateException.class, () -> {
                try (Arena arena = f.allocator.newArena()) {
                    segments.add(arena.allocate(200, 8));
                    segments.add(arena.allocate(50_000, 8));
                    segments.add(arena.allocateFrom("unwinding"));
                    throw thrown;
                }
            });
            assertSame(thrown, caught);
            assertEquals(0, caught.getSuppressed().length, "the close itself succeeded");
            segments.forEach(ArenaContractTest::assertDead);
            f.assertNothingLeft();
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldThrowOutOfMemoryErrorAndStayUsableAndClosable(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {
                MemorySegment before = arena.allocate(16, 8);
                assertRejected(OutOfMemoryError.class, "byteSize=", f.allocator::stats,
                        () -> arena.allocate(2 * MEMORY_BYTES, 8));
                assertRejected(OutOfMemoryError.class, "byteSize=", f.allocator::stats,
                        () -> arena.allocate(Long.MAX_VALUE, 8));
                MemorySegment after = arena.allocate(16, 8);
                assertEquals(before.address() + 16, after.address(), "a failed allocation took no space");
                // fill the memory through the arena alone: slabs, then blocks of their own, then OOM
                List<MemorySegment> segments = new ArrayList<>();
                try {
                    while (true) {
                        segments.add(arena.allocate(segments.size() % 3 == 0 ? 9000 : 700, 16));
                    }
                } catch (OutOfMemoryError expected) {
                    assertTrue(segments.size() > 200, "filled " + segments.size());
                }
                assertTrue(f.allocator.stats().availableBytes() < 64 << 10, f.allocator.stats()::toString);
                f.allocator.verify();
                for (int i = 0; i < segments.size(); i++) {
                    segments.get(i).fill((byte) i);
                }
                try {
                    assertZeroed(arena.allocate(8, 8));
                } catch (OutOfMemoryError full) {
                    // the memory may be too full for 8 more bytes; the arena must still close
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldServeTheAllocateFromHelpersWithExactContents(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {
                MemorySegment text = arena.allocateFrom("scoped, in talc");
                assertEquals("scoped, in talc", text.getString(0));
                assertEquals(16, text.byteSize(), "the string and its terminator, nothing else");
                MemorySegment utf16 = arena.allocateFrom("ü", java.nio.charset.StandardCharsets.UTF_16LE);
                assertArrayEquals(new byte[] {(byte) 0xFC, 0, 0, 0}, utf16.toArray(ValueLayout.JAVA_BYTE));
                assertEquals(42, arena.allocateFrom(ValueLayout.JAVA_INT, 42).get(ValueLayout.JAVA_INT, 0));
                assertEquals(-7L, arena.allocateFrom(ValueLayout.JAVA_LONG, -7L).get(ValueLayout.JAVA_LONG, 0));
                assertEquals(2.5, arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 2.5).get(ValueLayout.JAVA_DOUBLE, 0));
                assertEquals((byte) 9, arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 9).get(ValueLayout.JAVA_BYTE, 0));
                assertEquals('x', arena.allocateFrom(ValueLayout.JAVA_CHAR, 'x').get(ValueLayout.JAVA_CHAR, 0));
                assertEquals((short) -3, arena.allocateFrom(ValueLayout.JAVA_SHORT, (short) -3).get(ValueLayout.JAVA_SHORT, 0));
                assertEquals(1.5f, arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1.5f).get(ValueLayout.JAVA_FLOAT, 0));
                MemorySegment pointer = arena.allocateFrom(ValueLayout.ADDRESS, text);
                assertEquals(text.address(), pointer.get(ValueLayout.ADDRESS, 0).address());
                long[] values = {1, -2, 3, Long.MAX_VALUE};
                assertArrayEquals(values, arena.allocateFrom(ValueLayout.JAVA_LONG, values).toArray(ValueLayout.JAVA_LONG));
                int[] ints = new int[3000];   // larger than half a slab: a block of its own
                ints[2999] = 5;
                assertArrayEquals(ints, arena.allocateFrom(ValueLayout.JAVA_INT, ints).toArray(ValueLayout.JAVA_INT));
                MemorySegment array = arena.allocate(ValueLayout.JAVA_INT, 100);
                assertZeroed(array);
                assertZeroed(arena.allocate(ValueLayout.JAVA_LONG));
                assertZeroed(arena.allocate(33));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryKind.class, names = {"NATIVE", "NATIVE_ODD_BASE", "MAPPED_FILE"})
    void shouldRejectBadAllocateFromArgumentsAndGiveTheSpaceBack(MemoryKind kind) {
        try (Fixture f = new Fixture(kind)) {
            try (Arena arena = f.allocator.newArena()) {
                MemorySegment first = arena.allocate(8, 8);
                MemorySegment shortSource = MemorySegment.ofArray(new long[2]);
                assertRejected(IndexOutOfBoundsException.class, "", f.allocator::stats,
                        () -> arena.allocateFrom(ValueLayout.JAVA_LONG, shortSource, ValueLayout.JAVA_LONG, 0, 3));
                assertRejected(IllegalArgumentException.class, "reason=heap-segment", f.allocator::stats,
                        () -> arena.allocateFrom(ValueLayout.ADDRESS, shortSource));
                assertRejected(IllegalArgumentException.class, "", f.allocator::stats,
                        () -> arena.allocateFrom("x", java.nio.charset.Charset.forName("windows-1252")));
                MemorySegment next = arena.allocate(8, 8);
                assertEquals(first.address() + 8, next.address(), "the failed helpers took no space");
                assertZeroed(next);   // and did not leave the arena skipping the zeroing
                next.fill((byte) 1);
            }
        }
    }

    @Test
    void shouldRefuseHeapMemoryWithTheReason() {
        try (MemoryKind.Backing backing = MemoryKind.LONG_ARRAY.open(MEMORY_BYTES)) {
            TalcAllocator allocator = create(backing.segment());
            TalcStats before = allocator.stats();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, allocator::newArena);
            assertTrue(e.getMessage().contains("reason=heap-memory"), e.getMessage());
            assertUnchanged(before, allocator.stats());
            allocator.verify();
        }
    }

    @Test
    void shouldFreeEveryOtherBlockWhenTheAllocatorRefusesOneBack() {
        try (Fixture f = new Fixture(MemoryKind.NATIVE)) {
            Arena arena = f.allocator.newArena();
            arena.allocate(100, 8);
            MemorySegment own = arena.allocate(40_000, 8);   // a block of its own, exactly this segment
            arena.allocate(100_000, 8);
            f.allocator.free(own);   // misuse: the arena's block freed behind its back
            IllegalStateException e = assertThrows(IllegalStateException.class, arena::close);
            assertTrue(e.getMessage().contains("reason=free-failed") && e.getMessage().contains("failedBlocks=1"),
                    e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertFalse(arena.scope().isAlive());
            f.assertNothingLeft();
        }
    }

    @Test
    void shouldFailCleanlyWhenTheMemoryIsClosedUnderAnOpenArena() {
        Arena memoryArena = Arena.ofConfined();
        TalcAllocator allocator = create(memoryArena.allocate(MEMORY_BYTES, 4096));
        Arena arena = allocator.newArena();
        MemorySegment segment = arena.allocate(8, 8);
        memoryArena.close();   // misuse: the memory must outlive the arena
        assertThrows(IllegalStateException.class, () -> arena.allocate(8, 8));
        assertThrows(IllegalStateException.class, () -> arena.allocateFrom(ValueLayout.JAVA_INT, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, arena::close);
        assertTrue(e.getMessage().contains("reason=free-failed"), e.getMessage());
        assertDead(segment);
        assertThrows(IllegalStateException.class, allocator::newArena);
    }
}

package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link TalcAllocator#newArena()}: arenas opened, allocated from (every size
 * class: slices of a slab, new slabs, blocks of their own, out of memory), closed in any order, closed
 * twice, closed while an exception unwinds, mixed with raw blocks and segment blocks of the same allocator,
 * over 16 KiB – 1 MiB of guarded native memory, for {@link Talc} (default or checked mode) and
 * {@link ConcurrentTalc} (1–4 shards).
 *
 * <p>After every step {@code verify()} passes; no two live segments or blocks overlap; every new arena
 * segment is zeroed and aligned inside the memory; contents of the touched ones and a few others are
 * checked. When an arena closes, its segments' contents were intact and every one of them is dead after.
 * At the end every arena is closed and every block freed: the live counters are back where they started
 * and the guard bytes are intact.
 */
class ArenaFuzzTest {
    static final int MAX_STEPS = 400;
    private static final FuzzSummary SUMMARY = new FuzzSummary("ArenaFuzzTest", "arenas");

    @FuzzTest(maxDuration = "5m")
    void shouldGiveEverythingBackWhateverArenasAndBlocksDo(FuzzedDataProvider data) {
        Choices in = Choices.of(data);
        long bytes = (16L << 10) << in.nextInt(7);
        GuardedMemory guarded = GuardedMemory.open(GuardedMemory.Kind.NATIVE, bytes, 8L * in.nextInt(8),
                (byte) in.nextInt(256));
        try {
            TalcAllocator allocator = switch (in.nextInt(3)) {
                case 0 -> Talc.over(guarded.inner());
                case 1 -> Talc.builder(guarded.inner()).checked(true).claimAll().build();
                default -> ConcurrentTalc.builder(guarded.inner()).shards(1 + in.nextInt(4)).build();
            };
            Run run = new Run(allocator, in);
            for (int step = 0; step < MAX_STEPS && in.hasMore(); step++) {
                run.step();
                run.check();
            }
            run.finish();
            guarded.checkGuards();
            SUMMARY.inputs.increment();
            SUMMARY.operations.add(run.operations);
            SUMMARY.failedAllocations.add(run.failed);
            SUMMARY.special.addAndGet(run.arenasOpened);
        } finally {
            guarded.close();
        }
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(null);
    }

    /** A live piece of memory the run handed out: an arena segment or a block, with its fill byte. */
    record Piece(MemorySegment segment, byte pattern) {
        void check() {
            long size = segment.byteSize();
            for (long i = 0; i < size; i += Math.max(1, size / 16)) {
                checkByte(i);
            }
            if (size > 0) {
                checkByte(size - 1);
            }
        }

        private void checkByte(long i) {
            byte b = segment.get(ValueLayout.JAVA_BYTE, i);
            if (b != pattern) {
                fail("byte " + i + " of " + segment + " is " + b + ", expected " + pattern);
            }
        }
    }

    /** An open arena and its live segments. */
    record Open(Arena arena, List<Piece> segments) {}

    /** One input's run. */
    static final class Run {
        final TalcAllocator allocator;
        final Choices in;
        final MemorySegment memory;
        final TalcStats initial;
        final List<Open> arenas = new ArrayList<>();
        final List<Piece> blocks = new ArrayList<>();
        /** Every live range, base address to end address (zero-size ones take one byte), to catch overlaps. */
        final TreeMap<Long, Long> ranges = new TreeMap<>();
        long operations;
        long failed;
        long arenasOpened;
        private int patterns;
        private int checks;

        Run(TalcAllocator allocator, Choices in) {
            this.allocator = allocator;
            this.in = in;
            this.memory = allocator.memory();
            this.initial = allocator.stats();
        }

        void step() {
            operations++;
            int action = in.nextInt(100);
            boolean onAnOpenArena = action < 66 || action >= 70 && action < 74;
            if (action < 12 || onAnOpenArena && arenas.isEmpty()) {
                open();
            } else if (action < 50) {
                allocateInArena();
            } else if (action < 56) {
                allocateFromInArena();
            } else if (action < 66) {
                close(in.nextInt(arenas.size()));
            } else if (action < 70) {
                closeWhileUnwinding();
            } else if (action < 74) {
                rejectedInArena();
            } else if (action < 86) {
                allocateBlock();
            } else if (action < 96) {
                freeBlock();
            } else {
                closedArenaRejects();
            }
        }

        long size() {
            return switch (in.nextInt(8)) {
                case 0 -> 0;
                case 1, 2, 3 -> in.nextLong(1, 256);
                case 4, 5 -> in.nextLong(1, 4096);
                case 6 -> in.nextLong(1, 40_000);
                default -> in.logUniform(memory.byteSize() + memory.byteSize() / 4);
            };
        }

        long alignment() {
            return in.percent(85) ? 1L << in.nextInt(5) : 32L << in.nextInt(10);
        }

        byte nextPattern() {
            return (byte) (1 + patterns++ % 255);
        }

        void open() {
            arenas.add(new Open(allocator.newArena(), new ArrayList<>()));
            arenasOpened++;
        }

        void allocateInArena() {
            Open open = arenas.get(in.nextInt(arenas.size()));
            long size = size();
            long alignment = alignment();
            MemorySegment segment;
            try {
                segment = open.arena().allocate(size, alignment);
            } catch (OutOfMemoryError e) {
                failed++;
                return;
            }
            assertEquals(size, segment.byteSize());
            assertEquals(0, segment.address() % alignment, () -> segment + " aligned to " + alignment);
            assertTrue(segment.scope() == open.arena().scope(), "the arena's scope");
            for (long i = 0; i < size; i++) {
                if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                    fail("byte " + i + " of a new arena segment is not zero: " + segment);
                }
            }
            open.segments().add(taken(segment));
        }

        void allocateFromInArena() {
            Open open = arenas.get(in.nextInt(arenas.size()));
            byte pattern = nextPattern();
            MemorySegment segment;
            try {
                if (in.nextBoolean()) {
                    String text = String.valueOf((char) ('a' + pattern % 26)).repeat((int) in.nextLong(0, 300));
                    segment = open.arena().allocateFrom(text);
                    assertEquals(text, segment.getString(0));
                } else {
                    byte[] values = new byte[(int) in.logUniform(20_000)];
                    java.util.Arrays.fill(values, pattern);
                    segment = open.arena().allocateFrom(ValueLayout.JAVA_BYTE, values);
                    assertEquals(-1, segment.mismatch(MemorySegment.ofArray(values)));
                }
            } catch (OutOfMemoryError e) {
                failed++;
                return;
            }
            open.segments().add(taken(segment));
        }

        /** Records a new live range (failing on an overlap) and fills it with a fresh pattern. */
        private Piece taken(MemorySegment segment) {
            long base = segment.address();
            long end = base + Math.max(1, segment.byteSize());
            assertTrue(base >= memory.address() && end <= memory.address() + Math.max(memory.byteSize(), 1),
                    () -> segment + " outside the memory " + memory);
            Map.Entry<Long, Long> below = ranges.floorEntry(base);
            Map.Entry<Long, Long> above = ranges.ceilingEntry(base);
            assertFalse(below != null && below.getValue() > base, () -> segment + " overlaps " + below);
            assertFalse(above != null && above.getKey() < end, () -> segment + " overlaps " + above);
            ranges.put(base, end);
            Piece piece = new Piece(segment, nextPattern());
            segment.fill(piece.pattern());
            return piece;
        }

        private void released(Piece piece) {
            piece.check();
            assertTrue(ranges.remove(piece.segment().address()) != null, "a live range");
        }

        void close(int index) {
            Open open = arenas.remove(index);
            open.segments().forEach(this::released);
            open.arena().close();
            assertDead(open);
        }

        private static void assertDead(Open open) {
            assertFalse(open.arena().scope().isAlive());
            for (Piece piece : open.segments()) {
                assertFalse(piece.segment().scope().isAlive());
                assertThrows(IllegalStateException.class, () -> piece.segment().fill((byte) 0));
            }
        }

        /** A try-with-resources arena whose body throws: the close runs during the unwinding and succeeds. */
        void closeWhileUnwinding() {
            Open open = new Open(allocator.newArena(), new ArrayList<>());
            arenasOpened++;
            IllegalStateException thrown = new IllegalStateException("body failed");
            try (Arena arena = open.arena()) {
                int n = in.nextInt(6);
                for (int i = 0; i < n; i++) {
                    open.segments().add(taken(arena.allocate(in.nextLong(0, 3000), alignment())));
                }
                open.segments().forEach(this::released);
                throw thrown;
            } catch (IllegalStateException e) {
                assertTrue(e == thrown && e.getSuppressed().length == 0, "the close succeeded");
            } catch (OutOfMemoryError e) {
                failed++;
                open.segments().forEach(piece -> ranges.remove(piece.segment().address()));
            }
            assertDead(open);
        }

        /** Bad sizes and alignments: rejected before anything changes. */
        void rejectedInArena() {
            Arena arena = arenas.get(in.nextInt(arenas.size())).arena();
            long[][] bad = {{-1 - in.logUniform(1 << 20), 8}, {8, 0}, {8, -8}, {8, 3 + 2 * in.nextLong(0, 100)}};
            long[] call = bad[in.nextInt(bad.length)];
            TalcStats before = allocator.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> arena.allocate(call[0], call[1]));
            assertTrue(e.getMessage().contains("="), e::getMessage);
            ArenaContractTest.assertUnchanged(before, allocator.stats());
        }

        /** A closed arena refuses a second close and allocations, changing nothing. */
        void closedArenaRejects() {
            Arena arena = allocator.newArena();
            arenasOpened++;
            arena.close();
            TalcStats before = allocator.stats();
            assertThrows(IllegalStateException.class, arena::close);
            assertThrows(IllegalStateException.class, () -> arena.allocate(size(), alignment()));
            ArenaContractTest.assertUnchanged(before, allocator.stats());
        }

        void allocateBlock() {
            long size = size();
            long alignment = alignment();
            MemorySegment block;
            if (in.nextBoolean()) {
                long offset = allocator.tryAllocate(size, alignment);
                if (offset < 0) {
                    failed++;
                    return;
                }
                block = memory.asSlice(offset, size);
            } else {
                try {
                    block = allocator.allocate(size, alignment);
                } catch (OutOfMemoryError e) {
                    failed++;
                    return;
                }
            }
            blocks.add(taken(block));
        }

        void freeBlock() {
            if (blocks.isEmpty()) {
                return;
            }
            Piece piece = blocks.remove(in.nextInt(blocks.size()));
            released(piece);
            if (in.nextBoolean()) {
                allocator.free(piece.segment());
            } else {
                allocator.free(piece.segment().address() - memory.address(), piece.segment().byteSize());
            }
        }

        /**
         * verify(), and the contents of a few live pieces. Every other step without giving a parked slab back
         * (verify() would free it), so that the next arena can take it.
         */
        void check() {
            if (++checks % 2 == 0) {
                allocator.verify();
            } else {
                switch (allocator) {
                    case Talc talc -> talc.verifyKeepingParkedSlab();
                    case ConcurrentTalc concurrent -> concurrent.verifyKeepingParkedSlabs();
                }
            }
            for (int i = 0; i < 3 && !blocks.isEmpty(); i++) {
                blocks.get(in.nextInt(blocks.size())).check();
            }
            for (int i = 0; i < 3 && !arenas.isEmpty(); i++) {
                List<Piece> segments = arenas.get(in.nextInt(arenas.size())).segments();
                if (!segments.isEmpty()) {
                    segments.get(in.nextInt(segments.size())).check();
                }
            }
        }

        /** Closes every arena (in an order the input picks) and frees every block: nothing may be left. */
        void finish() {
            while (!arenas.isEmpty()) {
                close(in.nextInt(arenas.size()));
            }
            while (!blocks.isEmpty()) {
                freeBlock();
            }
            assertTrue(ranges.isEmpty(), "every range released");
            ArenaContractTest.assertSameLiveCounters(initial, allocator.stats());
            allocator.verify();
        }
    }
}

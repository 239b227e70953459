package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Misuse detection, DESIGN §4, one test per misuse class (the table in {@code talc/MISUSE.md} points
 * here). Every rejection must be an {@link IllegalArgumentException} with {@code key=value} detail,
 * thrown before anything changed: {@code stats()} equal before and after, {@code verify()} passes,
 * every live block holds its contents, and the guard bytes around the memory are intact.
 *
 * <p>Tests parameterized by {@code checked} prove classes rejected in both modes; the
 * {@code ...InCheckedMode} tests prove the classes only checked mode promises, exhaustively over every
 * word of a heap where that is cheap.
 */
class MisuseTest {
    private static final Pattern KEY_VALUE = Pattern.compile("[A-Za-z]+=[^\\s,]");
    private static final long MEMORY = 64 << 10;

    /** A Talc over guarded native memory, with a model of its live blocks. */
    static final class Fixture implements AutoCloseable {
        final GuardedMemory guarded;
        final Talc talc;
        final LiveBlocks blocks;
        private int seed;

        Fixture(boolean checked, boolean claimAll) {
            this(checked, claimAll, GuardedMemory.Kind.NATIVE);
        }

        Fixture(boolean checked, boolean claimAll, GuardedMemory.Kind kind) {
            guarded = GuardedMemory.open(kind, MEMORY, 8, (byte) 0x5A);
            Talc.Builder builder = Talc.builder(guarded.inner()).checked(checked);
            talc = (claimAll ? builder.claimAll() : builder).build();
            blocks = new LiveBlocks(talc.memory());
        }

        LiveBlocks.Block allocate(long size, long alignment) {
            long offset = talc.tryAllocate(size, alignment);
            assertTrue(offset >= 0, "allocation failed");
            LiveBlocks.Block block = new LiveBlocks.Block(offset, size, alignment, seed++ * 7 % 4096);
            blocks.add(block, talc.heaps());
            return block;
        }

        void free(LiveBlocks.Block block) {
            blocks.checkIntact(block);
            talc.free(block.offset(), block.size());
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.get(i) == block) {
                    blocks.remove(i);
                    return;
                }
            }
        }

        MemorySegment segment(long offset, long size) {
            return talc.memory().asSlice(offset, size);
        }

        /** The call must throw IllegalArgumentException with key=value detail (and {@code reason}), changing nothing. */
        IllegalArgumentException assertRejected(String reason, Executable call) {
            TalcStats before = talc.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(KEY_VALUE.matcher(e.getMessage()).find(), () -> "no key=value detail: " + e.getMessage());
            assertTrue(e.getMessage().contains(reason), () -> "expected " + reason + " in: " + e.getMessage());
            assertEquals(before, talc.stats(), () -> "the rejected call changed the counters: " + e.getMessage());
            talc.verify();
            blocks.checkAll();
            guarded.checkGuards();
            return e;
        }

        /** Every block-taking operation on {@code (offset, size)} must be rejected. */
        void assertEveryOperationRejected(String reason, long offset, long size) {
            long grown = size > Long.MAX_VALUE - 8 ? size : size + 8;
            assertRejected(reason, () -> talc.free(offset, size));
            assertRejected(reason, () -> talc.tryReallocate(offset, size, 8, 100));
            assertRejected(reason, () -> talc.tryReallocate(offset, size, 8, 0));
            assertRejected(reason, () -> talc.tryGrowInPlace(offset, size, grown));
            assertRejected(reason, () -> talc.shrink(offset, size, size / 2));
            if (offset >= 0 && size >= 0 && size <= MEMORY && offset <= MEMORY - size) {
                assertRejected(reason, () -> talc.free(segment(offset, size)));
                assertRejected(reason, () -> talc.reallocate(segment(offset, size), size + 100));
            }
        }

        @Override
        public void close() {
            guarded.close();
        }
    }

    private static String notLive(boolean checked) {
        return checked ? "reason=" : "reason=not-allocated";
    }

    // =============================================================================================
    // Double frees: always rejected.
    // =============================================================================================

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectDoubleFreeOfABlockInAGapOfItsOwn(boolean checked) {
        try (Fixture f = new Fixture(checked, true)) {
            f.allocate(2000, 8);
            LiveBlocks.Block b = f.allocate(2000, 8); // chunks above the quick-bin limit go straight to a gap
            f.allocate(2000, 8);
            f.free(b);
            assertEquals(0, f.talc.chunks().quick.count());
            f.assertEveryOperationRejected(notLive(checked), b.offset(), b.size());
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectDoubleFreeAfterCoalescingWithBothNeighbours(boolean checked) {
        try (Fixture f = new Fixture(checked, true)) {
            LiveBlocks.Block a = f.allocate(3000, 8);
            LiveBlocks.Block b = f.allocate(1500, 8);
            LiveBlocks.Block c = f.allocate(2500, 8);
            LiveBlocks.Block d = f.allocate(5, 8);
            LiveBlocks.Block e = f.allocate(4000, 8);
            f.allocate(100, 8); // keeps e's chunk from the top gap
            f.free(a);
            f.free(c);
            long gaps = f.talc.stats().gapCount();
            f.free(b); // merges with the gap below (a) and the gap above (c)
            assertEquals(gaps - 1, f.talc.stats().gapCount(), "b coalesced with both neighbours");
            f.free(e); // merges with nothing yet
            f.free(d); // small: cached in a quick bin, then merged with both when the bins are flushed
            f.talc.allocatedSpan(f.talc.heaps().getFirst());
            for (LiveBlocks.Block freed : List.of(a, b, c, d, e)) {
                f.assertEveryOperationRejected(notLive(checked), freed.offset(), freed.size());
            }
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectDoubleFreeOfABlockCachedInAQuickBin(boolean checked) {
        try (Fixture f = new Fixture(checked, true)) {
            f.allocate(24, 8);
            LiveBlocks.Block small = f.allocate(40, 8);
            LiveBlocks.Block zero = f.allocate(0, 8);
            f.allocate(24, 8);
            f.free(small);
            f.free(zero);
            assertEquals(2, f.talc.chunks().quick.count(), "both went to the quick bins");
            f.assertEveryOperationRejected(notLive(checked), small.offset(), small.size());
            f.assertEveryOperationRejected(notLive(checked), zero.offset(), zero.size());
            f.talc.truncate(f.talc.heaps().getFirst(), f.talc.heaps().getFirst()); // flushes the quick bins
            assertEquals(0, f.talc.chunks().quick.count());
            f.assertEveryOperationRejected(notLive(checked), small.offset(), small.size());
            f.assertEveryOperationRejected(notLive(checked), zero.offset(), zero.size());
        }
    }

    // =============================================================================================
    // Offsets and segments out of range: always rejected.
    // =============================================================================================

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectOffsetsOutsideEveryHeap(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            Span low = f.talc.claim(new Span(1024, 8192));
            Span high = f.talc.claim(new Span(16384, 32768));
            LiveBlocks.Block block = f.allocate(100, 8);
            f.allocate(100, 8);
            for (long offset : new long[] {-8, -1, 0, 512, low.acme(), 12000, high.acme(), MEMORY - 8, MEMORY, MEMORY + 8,
                    Long.MAX_VALUE, Long.MAX_VALUE - 7, Long.MIN_VALUE}) {
                for (long size : new long[] {0, 8, 100}) {
                    f.assertEveryOperationRejected("reason=outside-heaps", offset, size);
                }
            }
            // a live block's offset with a size that would end past its heap
            Span heap = low.contains(block.offset()) ? low : high;
            f.assertEveryOperationRejected("reason=", block.offset(), heap.acme() - block.offset());
            f.assertEveryOperationRejected("reason=", block.offset(), Long.MAX_VALUE);
        }
    }

    /**
     * An offset that is not a multiple of 8, whose tag word would start inside the heap but end past it, and
     * past the memory, as the heap ends where the memory does: rejected, the word never read (the misuse census
     * found an {@link IndexOutOfBoundsException} here).
     */
    @ParameterizedTest(name = "checked={0} heaps={1}")
    @CsvSource({"false, 1", "true, 1", "false, 2", "true, 2"})
    void shouldRejectAnUnalignedOffsetWhoseTagWordWouldCrossTheHeapsEnd(boolean checked, int heapCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(8192, 16);
            Talc talc = Talc.builder(memory).checked(checked).build();
            if (heapCount == 2) {
                talc.claim(new Span(0, 1024));
            }
            Span heap = talc.claim(new Span(4096, 8192));
            assertEquals(memory.byteSize(), heap.acme(), "the heap ends where the memory does");
            long live = talc.tryAllocate(100, 8);
            TalcStats before = talc.stats();
            for (long size : new long[] {0, 1, 24}) { // a 32-byte chunk: the tag word at offset + 24
                for (long past = 1; past < 8; past++) {
                    long offset = heap.acme() - 32 + past;
                    assertThrows(IllegalArgumentException.class, () -> talc.free(offset, size));
                    assertThrows(IllegalArgumentException.class, () -> talc.tryReallocate(offset, size, 8, 64));
                    assertThrows(IllegalArgumentException.class, () -> talc.tryGrowInPlace(offset, size, size + 8));
                    assertThrows(IllegalArgumentException.class, () -> talc.shrink(offset, size, 0));
                }
            }
            assertEquals(before, talc.stats());
            talc.verify();
            talc.free(live, 100);
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectOffsetsInAReleasedHeap(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            Span first = f.talc.claim(new Span(0, 16384));
            Span second = f.talc.claim(new Span(16384, 40000));
            LiveBlocks.Block inSecond = null;
            List<LiveBlocks.Block> all = new ArrayList<>();
            for (int i = 0; i < 40 && inSecond == null; i++) {
                LiveBlocks.Block block = f.allocate(1000, 8);
                all.add(block);
                if (second.contains(block.offset())) {
                    inSecond = block;
                }
            }
            assertTrue(inSecond != null);
            for (LiveBlocks.Block block : all) {
                f.free(block);
            }
            assertEquals(Span.empty(), f.talc.truncate(second, Span.empty()), "released");
            assertTrue(first.contains(f.allocate(100, 8).offset()));
            f.assertEveryOperationRejected("reason=outside-heaps", inSecond.offset(), inSecond.size());
            // the top of a heap released by a partial truncation
            Span kept = f.talc.truncate(first, new Span(first.base(), 4096));
            assertTrue(kept.acme() < first.acme());
            f.assertEveryOperationRejected("reason=outside-heaps", kept.acme() + 64, 64);
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectSegmentsOfOtherMemoryOverNativeMemory(boolean checked) {
        try (Fixture f = new Fixture(checked, true); Arena other = Arena.ofConfined()) {
            LiveBlocks.Block block = f.allocate(64, 8);
            List<MemorySegment> foreign = List.of(
                    other.allocate(64, 8),                                   // another arena
                    MemorySegment.ofArray(new long[8]),                      // an array
                    f.guarded.guardBelow(64),                                // the same arena, just below the memory
                    f.guarded.guardAbove(64),                                // just above it
                    f.guarded.outer().asSlice(f.guarded.outer().byteSize() - 64),
                    MemorySegment.NULL,
                    // the block's address, reaching past the end of the memory
                    MemorySegment.ofAddress(f.talc.memory().address() + block.offset()).reinterpret(MEMORY));
            for (MemorySegment segment : foreign) {
                f.assertRejected("reason=", () -> f.talc.free(segment));
                f.assertRejected("reason=", () -> f.talc.reallocate(segment, 128));
                f.assertRejected("reason=", () -> f.talc.reallocate(segment, 128, 64));
            }
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectSegmentsOfOtherMemoryOverAnArray(boolean checked) {
        try (Fixture f = new Fixture(checked, true, GuardedMemory.Kind.LONG_ARRAY); Arena other = Arena.ofConfined()) {
            f.allocate(64, 8);
            List<MemorySegment> foreign = List.of(
                    MemorySegment.ofArray(new long[(int) (MEMORY / 8)]).asSlice(64, 64), // another array, same offsets
                    other.allocate(64, 8),                                                // native memory
                    f.guarded.guardBelow(64),                                             // the same array, outside the slice
                    f.guarded.guardAbove(64),
                    MemorySegment.NULL);
            for (MemorySegment segment : foreign) {
                f.assertRejected("reason=foreign-segment", () -> f.talc.free(segment));
                f.assertRejected("reason=foreign-segment", () -> f.talc.reallocate(segment, 128));
            }
        }
    }

    // =============================================================================================
    // Spans: always rejected.
    // =============================================================================================

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectClaimsOutsideMemoryEmptyOrTooSmall(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            f.talc.claim(new Span(8192, 16384));
            f.allocate(10, 8);
            for (Span span : List.of(new Span(-8, 100), new Span(0, MEMORY + 8), new Span(MEMORY - 64, MEMORY + 1),
                    new Span(Long.MIN_VALUE, Long.MAX_VALUE), new Span(-100, -50), new Span(MEMORY, Long.MAX_VALUE))) {
                f.assertRejected("reason=outside-memory", () -> f.talc.claim(span));
            }
            for (Span span : List.of(new Span(100, 100), new Span(200, 100))) {
                f.assertRejected("reason=empty", () -> f.talc.claim(span));
            }
            for (Span span : List.of(new Span(0, 39), new Span(3, 45), new Span(100, 132))) {
                f.assertRejected("reason=too-small", () -> f.talc.claim(span));
            }
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectOverlappingClaims(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            Span heap = f.talc.claim(new Span(8192, 16384));
            f.allocate(1000, 8);
            for (Span span : List.of(heap, new Span(0, heap.base() + 8), new Span(heap.acme() - 8, 20000),
                    new Span(9000, 10000), new Span(0, MEMORY), new Span(heap.base() - 192, heap.base() + 48))) {
                f.assertRejected("reason=overlaps-heap", () -> f.talc.claim(span));
            }
            // checked as asked, before trimming: a span reaching 1 byte into the heap is rejected
            f.assertRejected("reason=overlaps-heap", () -> f.talc.claim(new Span(heap.base() - 100, heap.base() + 1)));
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectExtendingAHeapOverAnotherOrOutsideMemory(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            Span lower = f.talc.claim(new Span(4096, 8192));
            Span upper = f.talc.claim(new Span(16384, 24576));
            f.allocate(500, 8);
            f.assertRejected("reason=overlaps-heap", () -> f.talc.extend(lower, new Span(lower.base(), upper.base() + 8)));
            f.assertRejected("reason=overlaps-heap", () -> f.talc.extend(lower, new Span(0, MEMORY)));
            f.assertRejected("reason=overlaps-heap", () -> f.talc.extend(upper, new Span(lower.acme() - 8, upper.acme())));
            f.assertRejected("reason=outside-memory", () -> f.talc.extend(upper, new Span(upper.base(), MEMORY + 8)));
            f.assertRejected("reason=outside-memory", () -> f.talc.extend(lower, new Span(-8, lower.acme())));
            f.assertRejected("reason=outside-memory", () -> f.talc.extend(lower, new Span(Long.MIN_VALUE, Long.MAX_VALUE)));
            f.assertRejected("reason=does-not-contain-heap", () -> f.talc.extend(lower, new Span(lower.base() + 8, lower.acme())));
            f.assertRejected("reason=not-a-heap", () -> f.talc.extend(new Span(lower.base(), lower.acme() - 8),
                    new Span(0, lower.acme())));
            f.assertRejected("reason=not-a-heap", () -> f.talc.extend(new Span(10000, 12000), new Span(9000, 13000)));
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectTruncatingOutsideTheHeapBeforeTouchingCachedChunks(boolean checked) {
        try (Fixture f = new Fixture(checked, false)) {
            Span heap = f.talc.claim(new Span(4096, 32768));
            f.allocate(64, 8);
            LiveBlocks.Block cached = f.allocate(64, 8);
            f.allocate(64, 8);
            f.free(cached); // in a quick bin: a flush would change the gap count
            assertEquals(1, f.talc.chunks().quick.count());
            for (Span span : List.of(heap.extend(8, 0), heap.extend(0, 8), new Span(0, 100), new Span(heap.base(), MEMORY),
                    new Span(heap.base() + 8, Long.MAX_VALUE), new Span(Long.MIN_VALUE, heap.acme()))) {
                f.assertRejected("reason=not-inside-heap", () -> f.talc.truncate(heap, span));
            }
            f.assertRejected("reason=not-a-heap", () -> f.talc.truncate(heap.extend(0, -8), Span.empty()));
            f.assertRejected("reason=not-a-heap", () -> f.talc.allocatedSpan(new Span(0, 4096)));
            f.assertRejected("reason=not-a-heap", () -> f.talc.allocatableSpan(Span.empty()));
            assertEquals(1, f.talc.chunks().quick.count(), "the cached chunk is still cached");
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectBadSizesAndAlignments(boolean checked) {
        try (Fixture f = new Fixture(checked, true)) {
            LiveBlocks.Block block = f.allocate(100, 16);
            for (long size : new long[] {-1, -8, Long.MIN_VALUE}) {
                f.assertRejected("byteSize=", () -> f.talc.tryAllocate(size, 8));
                f.assertRejected("byteSize=", () -> f.talc.allocate(size, 8));
                f.assertRejected("newByteSize=", () -> f.talc.tryReallocate(block.offset(), block.size(), 8, size));
                f.assertRejected("newByteSize=", () -> f.talc.shrink(block.offset(), block.size(), size));
                f.assertRejected("byteSize=", () -> f.talc.free(block.offset(), size));
            }
            for (long alignment : new long[] {0, -8, 3, 24, Long.MIN_VALUE, (1L << 62) + 1}) {
                f.assertRejected("byteAlignment=", () -> f.talc.tryAllocate(8, alignment));
                f.assertRejected("byteAlignment=", () -> f.talc.tryReallocate(block.offset(), block.size(), alignment, 8));
                f.assertRejected("byteAlignment=", () -> f.talc.reallocate(f.segment(block.offset(), block.size()), 8, alignment));
            }
            f.assertRejected("newByteSize=", () -> f.talc.shrink(block.offset(), block.size(), block.size() + 1));
            f.assertRejected("newByteSize=", () -> f.talc.tryGrowInPlace(block.offset(), block.size(), block.size() - 1));
        }
    }

    // =============================================================================================
    // Checked mode: every other invalid block argument.
    // =============================================================================================

    /** A checked fixture with blocks of assorted sizes and alignments, some freed, over a 32 KiB heap. */
    private static Fixture checkedFixtureWithHoles() {
        Fixture f = new Fixture(true, false);
        f.talc.claim(new Span(4096, 4096 + 32768));
        List<LiveBlocks.Block> freed = new ArrayList<>();
        long[] sizes = {0, 1, 7, 8, 24, 40, 100, 255, 512, 1000, 3000};
        for (int i = 0; i < 33; i++) {
            LiveBlocks.Block block = f.allocate(sizes[i % sizes.length], 1L << (i % 7));
            if (i % 3 == 1) {
                freed.add(block);
            }
        }
        freed.forEach(f::free);
        return f;
    }

    @Test
    void shouldRejectEveryRandomOffsetInCheckedMode() {
        try (Fixture f = checkedFixtureWithHoles()) {
            Span heap = f.talc.heaps().getFirst();
            int tried = 0;
            for (long offset = heap.base(); offset < heap.acme(); offset += 4) {
                for (long size : new long[] {0, 1, 8, 40, 100}) {
                    LiveBlocks.Block live = f.blocks.at(offset);
                    if ((live == null || live.size() != size) && offset + size <= heap.acme()) {
                        long o = offset;
                        f.assertRejected("reason=", () -> f.talc.free(o, size));
                        tried++;
                    }
                }
            }
            assertTrue(tried > 30_000, "tried " + tried);
        }
    }

    @Test
    void shouldRejectEveryInteriorPointerAndWrongSizeInCheckedMode() {
        try (Fixture f = checkedFixtureWithHoles()) {
            for (LiveBlocks.Block block : f.blocks.all()) {
                for (long k = 1; k < block.size(); k += Math.max(1, block.size() / 64)) {
                    f.assertEveryOperationRejected("reason=not-a-live-block", block.offset() + k, block.size() - k);
                }
                for (long size : new long[] {block.size() + 1, block.size() + 8, block.size() + 4096, block.size() - 1,
                        block.size() / 2, 0}) {
                    if (size >= 0 && size != block.size()) {
                        f.assertEveryOperationRejected("reason=wrong-size", block.offset(), size);
                    }
                }
            }
        }
    }

    @Test
    void shouldRejectStaleBlocksAfterTheirMemoryWasReusedInCheckedMode() {
        try (Fixture f = new Fixture(true, true)) {
            LiveBlocks.Block old = f.allocate(200, 8);
            f.allocate(10, 8);
            f.free(old);
            LiveBlocks.Block reuse = f.allocate(196, 8); // the same chunk from the quick bin, another size
            assertEquals(old.offset(), reuse.offset(), "the freed chunk was reused");
            f.assertEveryOperationRejected("reason=wrong-size", old.offset(), old.size());
            f.free(reuse);
            f.talc.allocatedSpan(f.talc.heaps().getFirst()); // the chunk merges into a gap
            LiveBlocks.Block part = f.allocate(16, 64); // reuses part of that gap
            assertTrue(part.offset() >= old.offset() && part.end() <= old.end(), "reused part of the old block's memory");
            f.assertEveryOperationRejected("reason=", old.offset(), old.size());
            f.assertEveryOperationRejected("reason=", reuse.offset(), reuse.size());
        }
    }

    // =============================================================================================
    // ConcurrentTalc.
    // =============================================================================================

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {false, true})
    void shouldRejectDoubleFreesAndForeignOffsetsInConcurrentTalc(boolean checked) {
        try (Arena arena = Arena.ofShared()) {
            ConcurrentTalc talc = ConcurrentTalc.builder(arena.allocate(512 << 10, 4096)).shards(4).checked(checked).build();
            long a = talc.tryAllocate(2000, 8);
            long b = talc.tryAllocate(40, 8);
            long c = talc.tryAllocate(100, 8);
            talc.free(a, 2000);
            talc.free(b, 40);
            TalcStats before = talc.stats();
            for (long[] call : new long[][] {{a, 2000}, {b, 40}, {-8, 8}, {512 << 10, 8}, {Long.MAX_VALUE, 0}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> talc.free(call[0], call[1]));
                assertTrue(e.getMessage().contains("reason="), e::getMessage);
                assertThrows(IllegalArgumentException.class, () -> talc.tryReallocate(call[0], call[1], 8, 10));
                assertThrows(IllegalArgumentException.class, () -> talc.tryGrowInPlace(call[0], call[1], call[1] + 8));
            }
            assertThrows(IllegalArgumentException.class, () -> talc.free(MemorySegment.ofArray(new long[4])));
            if (checked) {
                assertThrows(IllegalArgumentException.class, () -> talc.free(c + 8, 92));
                assertThrows(IllegalArgumentException.class, () -> talc.free(c, 99));
            }
            assertEquals(before, talc.stats());
            talc.verify();
            talc.free(c, 100);
            assertEquals(0, talc.stats().allocationCount());
        }
    }
}

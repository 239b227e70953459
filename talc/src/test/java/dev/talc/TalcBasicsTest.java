package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.talc.Fixtures.assertAligned;
import static dev.talc.Fixtures.assertFilled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation API of {@link Talc} on fresh heaps over every kind of memory. */
class TalcBasicsTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @Test
    void shouldAllocateAndFreeASliceOfMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            assertSame(memory, talc.memory());
            MemorySegment block = talc.allocate(100, 8);
            assertEquals(100, block.byteSize());
            long offset = block.address() - memory.address();
            assertTrue(offset >= 16 && offset + 100 <= memory.byteSize(), "inside the heap: " + offset);
            assertAligned(memory, offset, 16);
            block.fill((byte) 0x5A);
            assertFilled(memory, offset, 100, (byte) 0x5A);
            assertEquals(1, talc.stats().allocationCount());
            assertEquals(100, talc.stats().allocatedBytes());
            talc.verify();
            talc.free(block);
            assertEquals(0, talc.stats().allocationCount());
            assertEquals(0, talc.stats().allocatedBytes());
            assertEquals(memory.byteSize() - Tag.SENTINEL, talc.stats().availableBytes());
            talc.verify();
        }
    }

    @Test
    void shouldAllocateWithTheRawApi() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(64 * KIB, 4096));
            long a = talc.tryAllocate(64, 16);
            long b = talc.tryAllocate(64, 16);
            assertTrue(a >= 0 && b >= 0);
            assertTrue(a + 64 <= b || b + 64 <= a, "disjoint: " + a + ", " + b);
            talc.memory().set(ValueLayout.JAVA_LONG, a, 42L);
            talc.memory().set(ValueLayout.JAVA_LONG, b, 43L);
            assertEquals(42L, talc.memory().get(ValueLayout.JAVA_LONG, a));
            talc.free(a, 64);
            assertEquals(43L, talc.memory().get(ValueLayout.JAVA_LONG, b));
            talc.free(b, 64);
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldHandOutDistinctZeroSizeBlocks() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(64 * KIB, 4096));
            Set<Long> offsets = new HashSet<>();
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                MemorySegment block = i % 2 == 0 ? talc.allocate(0, 1) : talc.allocate(0, 64);
                assertEquals(0, block.byteSize());
                assertTrue(offsets.add(block.address()), "zero-size block handed out twice: " + block);
                blocks.add(block);
            }
            assertEquals(200, talc.stats().allocationCount());
            assertEquals(0, talc.stats().allocatedBytes());
            talc.verify();
            for (MemorySegment block : blocks) {
                talc.free(block);
            }
            // freed zero-size blocks come back one by one, still distinct
            long first = talc.tryAllocate(0, 1);
            long second = talc.tryAllocate(0, 1);
            assertNotEquals(first, second);
            talc.free(first, 0);
            talc.free(second, 0);
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @ParameterizedTest
    @EnumSource(MemoryKind.class)
    void shouldAlignAddressesFromOneByteToOneMebibyte(MemoryKind kind) {
        // 16 MiB hold at least 15 addresses aligned to 1 MiB: enough for the 10 blocks of the last round
        try (MemoryKind.Backing backing = kind.open(16 * MIB)) {
            MemorySegment memory = backing.segment();
            Talc talc = Talc.over(memory);
            List<long[]> kept = new ArrayList<>();
            for (long alignment = 1; alignment <= MIB; alignment <<= 1) {
                List<long[]> round = new ArrayList<>();
                for (long size : new long[] {0, 1, 24, 100, 4097}) {
                    long offset = talc.tryAllocate(size, alignment);
                    assertTrue(offset >= 0, "alignment " + alignment + " size " + size + " " + talc.stats());
                    assertAligned(memory, offset, alignment);
                    MemorySegment block = talc.allocate(size, alignment);
                    assertAligned(memory, block.address() - memory.address(), alignment);
                    if (kind != MemoryKind.LONG_ARRAY) {
                        assertEquals(0, block.address() % alignment, "segment address");
                    }
                    round.add(new long[] {offset, size});
                    round.add(new long[] {block.address() - memory.address(), size});
                }
                talc.verify();
                // keep one block per round, so later alignments must cope with holes of many sizes
                kept.add(round.remove(3));
                for (long[] block : round) {
                    talc.free(block[0], block[1]);
                }
            }
            for (long[] block : kept) {
                talc.free(block[0], block[1]);
            }
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldFindAnAlignedSpotInAGapSmallerThanTheAlignment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4 * MIB, MIB);
            Talc talc = Talc.over(memory);
            long a = talc.tryAllocate(MIB - 1000, 8);               // chunk [16, 1 MiB - 976)
            long b = talc.tryAllocate(2000, 8);                     // chunk [1 MiB - 976, 1 MiB + 1040)
            long rest = talc.stats().availableBytes() - 8;
            long c = talc.tryAllocate(rest, 8);                     // the whole remainder
            assertEquals(0, talc.stats().availableBytes());
            talc.free(b, 2000);                                     // a 2016-byte gap around 1 MiB
            assertEquals(2016, talc.stats().largestGapBytes());
            long aligned = talc.tryAllocate(100, MIB);
            assertEquals(MIB, aligned, "the only 1 MiB-aligned address with room is inside the small gap");
            talc.verify();
            talc.free(aligned, 100);
            talc.free(a, MIB - 1000);
            talc.free(c, rest);
            talc.verify();
        }
    }

    @Test
    void shouldAlignToAddressesNotOffsetsOnAnEightAlignedSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(2 * MIB + 4096, 4096).asSlice(8, 2 * MIB);
            assertEquals(8, memory.address() & 4095);
            Talc talc = Talc.over(memory);
            for (long alignment = 16; alignment <= MIB; alignment <<= 1) {
                MemorySegment block = talc.allocate(alignment, alignment);
                assertEquals(0, block.address() & (alignment - 1), "alignment " + alignment);
                assertNotEquals(0, (block.address() - memory.address()) & 15, "the offset is not aligned");
                talc.free(block);
            }
            talc.verify();
        }
    }

    @Test
    void shouldGrowInPlaceWhenTheNeighbourAboveIsFree() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            MemorySegment block = talc.allocate(100, 8);
            block.fill((byte) 7);
            MemorySegment grown = talc.reallocate(block, 5000);
            assertEquals(block.address(), grown.address(), "grown in place");
            assertEquals(5000, grown.byteSize());
            assertFilled(memory, block.address() - memory.address(), 100, (byte) 7);
            assertEquals(5000, talc.stats().allocatedBytes());
            assertEquals(1, talc.stats().totalAllocationCount(), "growing in place is not a new allocation");
            talc.verify();

            long offset = grown.address() - memory.address();
            grown.fill((byte) 9);
            assertTrue(talc.tryGrowInPlace(offset, 5000, 20_000));
            assertFilled(memory, offset, 5000, (byte) 9);
            assertEquals(20_000, talc.stats().allocatedBytes());
            assertEquals(offset, talc.tryReallocate(offset, 20_000, 8, 30_000), "raw realloc grows in place too");
            talc.verify();
            talc.free(offset, 30_000);
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldMoveAndKeepContentsWhenTheNeighbourAboveIsLive() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            MemorySegment a = talc.allocate(100, 16);
            MemorySegment b = talc.allocate(100, 16);
            for (int i = 0; i < 100; i++) {
                a.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            b.fill((byte) 0x33);
            long offsetB = b.address() - memory.address();
            assertFalse(talc.tryGrowInPlace(a.address() - memory.address(), 100, 1000),
                    "b sits right above a");
            assertEquals(100, talc.stats().allocatedBytes() - 100, "a failed grow changes nothing");
            MemorySegment moved = talc.reallocate(a, 1000);
            assertNotEquals(a.address(), moved.address());
            assertEquals(1000, moved.byteSize());
            assertEquals(0, moved.address() & 15, "reallocate keeps 16-byte alignment");
            for (int i = 0; i < 100; i++) {
                assertEquals((byte) i, moved.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
            assertFilled(memory, offsetB, 100, (byte) 0x33);
            assertEquals(1100, talc.stats().allocatedBytes());
            assertEquals(2, talc.stats().allocationCount());
            assertEquals(3, talc.stats().totalAllocationCount());
            assertEquals(1, talc.stats().totalFreeCount());
            talc.verify();
            MemorySegment aligned = talc.reallocate(moved, 5000, 4096);
            assertEquals(0, aligned.address() & 4095);
            for (int i = 0; i < 100; i++) {
                assertEquals((byte) i, aligned.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
            talc.free(aligned);
            talc.free(b);
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldShrinkInPlaceAndFreeTheTail() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            long offset = talc.tryAllocate(4000, 8);
            Fixtures.fill(memory, offset, 4000, (byte) 0x44);
            long available = talc.stats().availableBytes();
            talc.shrink(offset, 4000, 100);
            // the chunk shrinks from chunkSize(4000) to chunkSize(100) bytes; the tail joins the gap above
            assertEquals(available + Tag.chunkSize(4000) - Tag.chunkSize(100), talc.stats().availableBytes());
            assertEquals(100, talc.stats().allocatedBytes());
            assertEquals(1, talc.stats().gapCount(), "the tail merged with the gap above it");
            assertFilled(memory, offset, 100, (byte) 0x44);
            talc.verify();

            MemorySegment block = memory.asSlice(offset, 100);
            MemorySegment smaller = talc.reallocate(block, 10);
            assertEquals(block.address(), smaller.address(), "shrinking never moves");
            assertFilled(memory, offset, 10, (byte) 0x44);
            assertEquals(0, talc.tryReallocate(offset, 10, 1, 0) - offset, "to zero, in place");
            assertEquals(0, talc.stats().allocatedBytes());
            assertEquals(1, talc.stats().allocationCount());
            talc.verify();
            talc.free(offset, 0);
            assertEquals(memory.byteSize() - Tag.SENTINEL, talc.stats().availableBytes());
            talc.verify();
        }
    }

    @Test
    void shouldShrinkWithoutFreeingATailTooSmallForAGap() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            long offset = talc.tryAllocate(100, 8);
            long above = talc.tryAllocate(100, 8);
            long available = talc.stats().availableBytes();
            talc.shrink(offset, 100, 90);
            assertEquals(available, talc.stats().availableBytes(), "a 16-byte tail cannot be a gap");
            assertEquals(190, talc.stats().allocatedBytes());
            talc.verify();
            talc.free(offset, 90);
            talc.free(above, 100);
            talc.verify();
        }
    }

    @Test
    void shouldServeTheSegmentAllocatorHelpers() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc talc = Talc.over(memory);
            MemorySegment text = talc.allocateFrom("Talc für Java");
            assertEquals("Talc für Java", text.getString(0));
            assertEquals("Talc für Java".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1, text.byteSize());

            MemorySegment ints = talc.allocate(ValueLayout.JAVA_INT, 10);
            assertEquals(40, ints.byteSize());
            assertEquals(0, ints.address() % 4);
            for (int i = 0; i < 10; i++) {
                ints.setAtIndex(ValueLayout.JAVA_INT, i, i * i);
            }
            assertEquals(81, ints.getAtIndex(ValueLayout.JAVA_INT, 9));

            StructLayout point = MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("x"),
                    ValueLayout.JAVA_INT.withName("y"),
                    ValueLayout.JAVA_DOUBLE.withName("weight"));
            MemorySegment p = talc.allocate(point);
            assertEquals(16, p.byteSize());
            assertEquals(0, p.address() % 8);
            VarHandle y = point.varHandle(MemoryLayout.PathElement.groupElement("y"));
            y.set(p, 0L, 17);
            assertEquals(17, (int) y.get(p, 0L));

            StructLayout aligned = MemoryLayout.structLayout(
                    ValueLayout.JAVA_LONG.withName("a"), MemoryLayout.paddingLayout(56)).withByteAlignment(64);
            MemorySegment cacheLine = talc.allocate(aligned, 3);
            assertEquals(192, cacheLine.byteSize());
            assertEquals(0, cacheLine.address() % 64);

            MemorySegment longs = talc.allocateFrom(ValueLayout.JAVA_LONG, 1L, 2L, 3L);
            assertArrayEquals(new long[] {1, 2, 3}, longs.toArray(ValueLayout.JAVA_LONG));

            assertEquals(5, talc.stats().allocationCount());
            talc.verify();
            for (MemorySegment block : List.of(text, ints, p, cacheLine, longs)) {
                talc.free(block);
            }
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldPassATalcStringToANativeDowncall() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().find("strlen").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(64 * KIB, 4096));
            List<MemorySegment> strings = new ArrayList<>();
            for (int n = 0; n < 300; n += 7) {
                String s = "x".repeat(n);
                MemorySegment c = talc.allocateFrom(s);
                assertEquals((long) n, (long) strlen.invokeExact(c));
                strings.add(c);
            }
            for (MemorySegment c : strings) {
                talc.free(c);
            }
            talc.verify();
        }
    }

    @Test
    void shouldWorkOverALongArray() {
        long[] array = new long[8192];
        MemorySegment memory = MemorySegment.ofArray(array);
        Talc talc = Talc.over(memory);
        MemorySegment block = talc.allocate(ValueLayout.JAVA_LONG, 4);
        block.setAtIndex(ValueLayout.JAVA_LONG, 2, 0x1234_5678_9ABCL);
        long offset = block.address() - memory.address();
        assertEquals(0x1234_5678_9ABCL, array[(int) (offset / 8) + 2], "the write lands in the array");
        assertSame(array, block.heapBase().orElseThrow());
        long raw = talc.tryAllocate(1000, 64);
        assertEquals(0, raw % 64, "on a heap segment, alignment is of offsets into the array");
        talc.free(raw, 1000);
        talc.free(block);
        assertEquals(0, talc.stats().allocationCount());
        talc.verify();
    }

    @Test
    void shouldWorkOverAMemoryMappedFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("heap.bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, MIB, arena);
            Talc talc = Talc.over(memory);
            MemorySegment block = talc.allocate(ValueLayout.JAVA_LONG, 16);
            block.setAtIndex(ValueLayout.JAVA_LONG, 0, 0xCAFE_BABEL);
            MemorySegment text = talc.allocateFrom("in a file");
            memory.force();
            ByteBuffer read = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            channel.read(read, block.address() - memory.address());
            assertEquals(0xCAFE_BABEL, read.flip().getLong(), "the block is in the file");
            talc.verify();
            talc.free(text);
            talc.free(block);
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void shouldRejectAByteArraySegment() {
        MemorySegment bytes = MemorySegment.ofArray(new byte[4096]);
        for (var make : List.<java.util.function.Supplier<Object>>of(
                () -> new Talc(bytes), () -> Talc.over(bytes), () -> Talc.builder(bytes).build(),
                () -> new Talc(bytes, OomHandler.fail()), () -> ConcurrentTalc.over(bytes))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
            assertTrue(e.getMessage().contains("reason="), e.getMessage());
            assertTrue(e.getMessage().contains("cannot-hold-aligned-words"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Talc(MemorySegment.ofArray(new int[1024])));
    }

    @Test
    void shouldRejectAReadOnlySegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment readOnly = arena.allocate(4096, 4096).asReadOnly();
            for (var make : List.<java.util.function.Supplier<Object>>of(
                    () -> new Talc(readOnly), () -> Talc.over(readOnly), () -> ConcurrentTalc.over(readOnly))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
                assertTrue(e.getMessage().contains("reason=read-only"), e.getMessage());
            }
        }
    }

    @Test
    void shouldRejectANativeSegmentThatIsNotWordAligned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment odd = arena.allocate(4096 + 16, 16).asSlice(4, 4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Talc(odd));
            assertTrue(e.getMessage().contains("reason="), e.getMessage());
        }
    }

    @Test
    void shouldClaimTheWholeSegmentWithOver() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(10_000, 16);
            Talc talc = Talc.over(memory);
            assertEquals(List.of(new Span(0, 10_000)), talc.heaps());
            assertEquals(10_000, talc.stats().claimedBytes());
            assertEquals(10_000 - 16, talc.stats().availableBytes());
            assertEquals(1, talc.stats().heapCount());
            MemorySegment all = talc.allocate(10_000 - 24, 8);
            assertEquals(16, all.address() - memory.address(), "everything but the sentinel and the tag");
            talc.free(all);

            Talc trimmed = Talc.over(arena.allocate(1001, 16));
            assertEquals(List.of(new Span(0, 992)), trimmed.heaps(), "trimmed to whole 16-byte granules");
            MemorySegment odd = arena.allocate(1000, 16).asSlice(8);
            assertEquals(List.of(new Span(8, 984)), Talc.over(odd).heaps(), "granules of the address, not the offset");
            assertThrows(IllegalArgumentException.class, () -> Talc.over(arena.allocate(47, 16)));
            assertThrows(IllegalArgumentException.class, () -> Talc.over(MemorySegment.ofArray(new long[0])));
            talc.verify();
            trimmed.verify();
        }
    }

    @Test
    void shouldApplyBuilderOptions() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 * KIB, 4096);
            Talc plain = Talc.builder(memory).build();
            assertTrue(plain.heaps().isEmpty(), "no claimAll: no heap");
            assertEquals(-1, plain.tryAllocate(8, 8));
            assertThrows(OutOfMemoryError.class, () -> plain.allocate(8, 8));
            assertEquals(Boolean.getBoolean("dev.talc.checked"), plain.isChecked());

            Talc claimed = Talc.builder(memory).claimAll().build();
            assertEquals(List.of(new Span(0, 64 * KIB)), claimed.heaps());
            assertFalse(Talc.builder(memory).checked(false).build().isChecked());

            Talc checked = Talc.builder(memory).checked(true).claimAll().build();
            assertTrue(checked.isChecked());
            assertTrue(checked.toString().contains("checked"), checked.toString());
            long offset = checked.tryAllocate(100, 8);
            IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class,
                    () -> checked.free(offset, 99));
            assertTrue(wrongSize.getMessage().contains("wrong-size"), wrongSize.getMessage());
            checked.free(offset, 100);
            checked.verify();

            Span lazy = new Span(4096, 8192);
            Talc handled = Talc.builder(memory).oomHandler(OomHandler.claimOnce(lazy)).build();
            assertTrue(handled.heaps().isEmpty());
            MemorySegment block = handled.allocate(100, 8);
            assertEquals(List.of(lazy), handled.heaps(), "the handler claimed on the first allocation");
            assertTrue(lazy.contains(block.address() - memory.address()));
            handled.free(block);
            handled.verify();

            assertThrows(NullPointerException.class, () -> Talc.builder(null));
            assertThrows(NullPointerException.class, () -> Talc.builder(memory).oomHandler(null));
            assertThrows(NullPointerException.class, () -> new Talc(null));
            assertThrows(NullPointerException.class, () -> new Talc(memory, null));
        }
    }

    @Test
    void shouldDescribeItselfOnOneLine() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(4096, 4096));
            talc.allocate(10, 1);
            String text = talc.toString();
            assertFalse(text.contains("\n"), text);
            assertTrue(text.contains("heaps=[[0x0, 0x1000)]"), text);
            assertTrue(text.contains("allocationCount=1"), text);
            assertTrue(text.contains("allocatedBytes=10"), text);
        }
    }
}

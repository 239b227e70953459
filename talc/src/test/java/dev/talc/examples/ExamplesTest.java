package dev.talc.examples;

import dev.talc.ConcurrentTalc;
import dev.talc.HeapMap;
import dev.talc.Talc;
import dev.talc.TalcStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every example of the README and checks what it shows. */
class ExamplesTest {

    @Test
    void shouldConcatenateAndMeasureCStringsInTalcBlocks() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            assertEquals("Hello, Talc!", LibcStringsExample.concat(talc, "Hello, ", "Talc!"));
            assertEquals(0, talc.stats().allocationCount());
        }
    }

    @Test
    void shouldReturnAStructByValueIntoATalcBlock() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            assertArrayEquals(new int[] {3, 2}, LibcStringsExample.divide(talc, 17, 5));
            assertEquals(1, talc.stats().totalAllocationCount());
            assertEquals(0, talc.stats().allocationCount());
        }
    }

    @Test
    void shouldSortATalcBlockWithQsortAndAnUpcall() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            assertArrayEquals(new int[] {-1, 3, 3, 5, 7, 9}, QsortExample.sort(talc, new int[] {5, 3, 9, -1, 7, 3}));
            talc.verify();
        }
    }

    @Test
    void shouldJoinCStringsInATalcArenaAndGiveEverythingBack() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            assertEquals("scoped arenas, in Talc", ScopedArenaExample.join(talc, "scoped ", "arenas, ", "in Talc"));
            assertEquals(0, talc.stats().allocationCount());
            ConcurrentTalc shared = ConcurrentTalc.over(arena.allocate(1 << 20, 16));
            assertEquals("", ScopedArenaExample.join(shared));
            assertEquals(0, shared.stats().allocationCount());
        }
    }

    @Test
    void shouldRejectEveryAccessToASegmentKeptPastItsArena() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            MemorySegment dead = ScopedArenaExample.keptTooLong(talc);
            assertFalse(dead.scope().isAlive());
            assertThrows(IllegalStateException.class, () -> dead.getString(0));
            assertEquals(0, talc.stats().allocationCount());
        }
    }

    @Test
    void shouldReadDataBackFromARemappedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("heap.bin");
        assertEquals("kept across mappings", MappedFileExample.storeAndReload(file, "kept across mappings"));
        assertEquals(1 << 20, Files.size(file));
    }

    @Test
    void shouldGrowTheHeapByDoublingThroughTheOomHandler() {
        try (Arena arena = Arena.ofConfined()) {
            List<Long> sizes = GrowingHeapExample.grow(arena.allocate(4 << 20, 4096), 1000);
            assertEquals(List.of(65536L, 131072L, 262144L, 524288L, 1048576L), sizes);   // 1000 blocks of 1 KiB + tags
        }
    }

    @Test
    void shouldShareAConcurrentTalcAmongVirtualThreads() {
        TalcStats stats = VirtualThreadsExample.run(2000);
        assertEquals(0, stats.allocationCount());
        assertEquals(2000, stats.totalAllocationCount());
        assertEquals(2000, stats.totalFreeCount());
    }

    @Test
    void shouldWriteAndReadTalcBlocksAsByteBuffers(@TempDir Path dir) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            Path file = dir.resolve("out.bin");
            assertEquals("through a FileChannel", ByteBufferExample.roundTrip(talc, file, "through a FileChannel"));
            assertEquals("through a FileChannel", Files.readString(file));
            assertEquals(0, talc.stats().allocationCount());
        }
    }

    @Test
    void shouldDrawTheFragmentedHeapOfTheReadme(@TempDir Path dir) throws Exception {
        Talc talc = HeapMapExample.fragmentedHeap();
        HeapMap map = HeapMap.of(talc);
        assertTrue(map.count(HeapMap.Kind.FREE) > 10, map.toString());
        assertTrue(map.count(HeapMap.Kind.CACHED) > 0, map.toString());
        HeapMapExample.main(new String[] {dir.resolve("docs/heap-map.svg").toString()});
        assertTrue(Files.readString(dir.resolve("docs/heap-map.svg")).contains("</svg>"));
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heap map: regions tile the heaps and agree with the counters; text and SVG renderings. */
class HeapMapTest {

    @Test
    void shouldDrawBlocksGapsAndBoundsAsText() {
        Talc talc = new Talc(MemorySegment.ofArray(new long[1024]));
        talc.claim(new Span(0, 4096));
        long a = talc.tryAllocate(1272, 8);    // chunk of 1280 bytes: [8, 1288)
        long hole = talc.tryAllocate(1272, 8); // [1288, 2568)
        long b = talc.tryAllocate(760, 8);     // [2568, 3336)
        talc.free(hole, 1272);                 // too big for a quick bin: a gap

        String text = HeapMap.of(talc).toText(32);

        assertEquals("""
                heap map: 1 heap, 4,096 bytes, 1 char = 128 bytes   # allocated  c cached  . free  = metadata  | heap bounds
                0x0 |##########..........######......|
                """, text);
        talc.free(a, 1272);
        talc.free(b, 760);
    }

    @Test
    void shouldTileEveryHeapAndAgreeWithTheCounters() {
        Talc talc = new Talc(MemorySegment.ofArray(new long[1 << 14]));
        talc.claim(new Span(0, 65536));
        talc.claim(new Span(65536 + 4096, 1 << 17));
        SplittableRandom random = new SplittableRandom(42);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            if (live.isEmpty() || random.nextInt(3) > 0) {
                long size = random.nextLong(1, 400);
                long offset = talc.tryAllocate(size, 8L << random.nextInt(3));
                if (offset >= 0) {
                    live.add(new long[] {offset, size});
                }
            } else {
                long[] block = live.remove(random.nextInt(live.size()));
                talc.free(block[0], block[1]);
            }
        }

        // Three adjacent small blocks; freeing the middle one, whose neighbours are both in use, caches it.
        long first = talc.tryAllocate(40, 8);
        long middle = talc.tryAllocate(40, 8);
        long last = talc.tryAllocate(40, 8);
        assertTrue(first >= 0 && middle >= 0 && last >= 0);
        talc.free(middle, 40);

        HeapMap map = HeapMap.of(talc);
        TalcStats stats = talc.stats();

        long expectedBase = -1;
        int heap = 0;
        for (HeapMap.Region region : map.regions()) {
            if (expectedBase < 0 || region.base() != expectedBase) {
                assertEquals(talc.heaps().get(heap++).base(), region.base(), "regions must start each heap");
            }
            expectedBase = region.acme();
        }
        assertEquals(talc.heaps().size(), heap);
        assertEquals(stats.claimedBytes(), map.regions().stream().mapToLong(HeapMap.Region::size).sum());
        assertEquals(stats.availableBytes(), map.bytes(HeapMap.Kind.FREE) + map.bytes(HeapMap.Kind.CACHED));
        assertEquals(stats.allocationCount(), map.count(HeapMap.Kind.ALLOCATED));
        assertEquals(stats.gapCount(), map.count(HeapMap.Kind.FREE) + map.count(HeapMap.Kind.CACHED));
        assertEquals(stats.allocationCount() + stats.heapCount(), map.count(HeapMap.Kind.METADATA));
        assertTrue(map.count(HeapMap.Kind.CACHED) > 0, "a small block freed between two live ones is cached");
        assertTrue(map.bytes(HeapMap.Kind.ALLOCATED) >= stats.allocatedBytes());

        String wrapped = map.toText(64, 256);
        assertTrue(wrapped.contains("\n0x4000   "), wrapped);   // 64 chars of 256 bytes: 16 KiB per line
        assertTrue(wrapped.contains("\n0x11000 |"), wrapped);  // the second heap starts a line, with a bound
        assertTrue(wrapped.lines().skip(1).allMatch(line -> line.length() <= 8 + 1 + 1 + 64 + 1), wrapped);
        talc.verify();
    }

    @Test
    void shouldWriteWellFormedSvgWithALegend(@TempDir Path dir) throws Exception {
        Talc talc = Talc.over(MemorySegment.ofArray(new long[8192]));
        long[] offsets = new long[40];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = talc.tryAllocate(100 + 10 * i, 16);
        }
        for (int i = 0; i < offsets.length; i += 3) {
            talc.free(offsets[i], 100 + 10 * i);
        }
        Path file = dir.resolve("map.svg");

        HeapMap.of(talc).writeSvg(file);

        String svg = Files.readString(file);
        assertTrue(svg.endsWith("</svg>\n"), svg);
        assertEquals(count(svg, "<g>"), count(svg, "</g>"));
        assertEquals(count(svg, "<text "), count(svg, "</text>"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains("allocated ") && svg.contains("free ") && svg.contains("cached "), svg);
        assertTrue(svg.contains("fill=\"#4e79a7\""), "allocated colour");
        assertTrue(svg.contains("fill=\"#f28e2b\""), "cached colour");
    }

    @Test
    void shouldRejectBadScales() throws IOException {
        HeapMap map = HeapMap.of(Talc.over(MemorySegment.ofArray(new long[64])));
        assertThrows(IllegalArgumentException.class, () -> map.toText(0));
        assertThrows(IllegalArgumentException.class, () -> map.toText(10, 0));
        assertEquals("HeapMap[heaps=1, allocated=0B/0, free=496B/1, cached=0B/0, metadata=16B/1]", map.toString());
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}

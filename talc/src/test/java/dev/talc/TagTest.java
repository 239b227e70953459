package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chunk layout of {@link Tag}: the low-bit encodings are disjoint as documented, every chunk is
 * exactly {@code chunkSize(byteSize)} bytes with its tag in its top word, and every block is 16-aligned.
 */
class TagTest {

    @Test
    void shouldDocumentTheConstants() {
        assertEquals(8, Tag.WORD);
        assertEquals(16, Tag.GRANULE);
        assertEquals(-8, Tag.ADDRESS_MASK);
        assertEquals(7, Tag.FLAG_MASK);
        assertEquals(8, Tag.GAP_MARK);
        assertEquals(32, Tag.MIN_CHUNK);
        assertEquals(16, Tag.MIN_GAP);
        assertEquals(16, Tag.SENTINEL);
        assertEquals(48, Tag.MIN_HEAP);
    }

    @Test
    void shouldKeepLowBitEncodingsDisjoint() {
        assertEquals(1, Tag.ALLOCATED & Tag.FLAG_MASK, "live TAG & 7");
        assertEquals(5, (Tag.ALLOCATED | Tag.CACHED) & Tag.FLAG_MASK, "cached TAG & 7");
        for (int id : new int[] {1, 2, 12345, Integer.MAX_VALUE}) {
            long word = Tag.gapWord(id);
            assertEquals(0, word & Tag.FLAG_MASK, "a gap word has no tag flag");
            assertEquals(Tag.GAP_MARK, word & 15, "GAP WORD & 15");
            assertTrue(Tag.isGapWord(word));
            assertEquals(id, Tag.gapId(word));
        }
        for (long base : new long[] {0x10, 0x18, 0x7ff8}) { // chunk bases are multiples of 8 as offsets
            for (long flags = 1; flags < 8; flags += 2) {
                assertFalse(Tag.isGapWord(base | flags), "a tag is never a gap word");
            }
        }
        assertFalse(Tag.isGapWord(0), "a cleared tag is not a gap word");
    }

    @Test
    void shouldDecodeEachKindOfWordAsItsOwnKind() {
        long base = 0x1000;
        long liveTag = base | Tag.ALLOCATED;
        long cachedTag = liveTag | Tag.CACHED;
        long gapWord = Tag.gapWord(77);
        assertTrue(Tag.isAllocated(liveTag));
        assertFalse(Tag.isGapWord(liveTag));
        assertEquals(base, Tag.base(liveTag));
        assertTrue(Tag.isAllocated(cachedTag), "neighbours see a cached chunk as allocated");
        assertEquals(base, Tag.base(cachedTag));
        assertFalse(Tag.isAllocated(gapWord));
        assertTrue(Tag.isGapWord(gapWord));
        assertEquals(77, Tag.gapId(gapWord));
        assertFalse(Tag.isGapWord(0));
        assertFalse(Tag.isAllocated(0));
    }

    @Test
    void shouldSizeChunksInWholeGranulesWithRoomForTheTag() {
        assertEquals(32, Tag.chunkSize(0));
        assertEquals(32, Tag.chunkSize(1));
        assertEquals(32, Tag.chunkSize(24));
        assertEquals(48, Tag.chunkSize(25));
        assertEquals(48, Tag.chunkSize(40));
        assertEquals(64, Tag.chunkSize(41));
        assertEquals(1024, Tag.chunkSize(1016));
        assertEquals(1040, Tag.chunkSize(1017));
        for (long size = 0; size < 5000; size++) {
            long chunk = Tag.chunkSize(size);
            assertEquals(0, chunk % Tag.GRANULE);
            assertTrue(chunk >= size + Tag.WORD && chunk < Math.max(size + Tag.WORD + Tag.GRANULE, Tag.MIN_CHUNK + 1));
        }
    }

    /**
     * Random allocations of every alignment, frees, shrinks and in-place growth over memory whose address
     * is 8 mod 16: every live block is 16-aligned in address, and its tag is the word at
     * {@code offset + chunkSize(size) - 8} holding exactly its offset.
     */
    @Test
    void shouldKeepEveryChunkExactlyItsBlocksChunkSize() {
        SplittableRandom random = new SplittableRandom(0x7A6L);
        long checked = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(8192 + 4096, 4096).asSlice(8, 8192);
            for (int round = 0; round < 300; round++) {
                Talc talc = new Talc(memory);
                long heapBytes = 8 * random.nextLong(8, 256);
                long heapBase = 8 * random.nextLong(0, 64);
                talc.claim(Span.ofSize(heapBase, heapBytes));
                List<long[]> live = new ArrayList<>();
                for (int step = 0; step < 120; step++) {
                    int action = random.nextInt(10);
                    if (action < 5 || live.isEmpty()) {
                        long size = random.nextLong(0, 90);
                        long alignment = 1L << random.nextInt(8);
                        long offset = talc.tryAllocate(size, alignment);
                        if (offset >= 0) {
                            assertEquals(0, (memory.address() + offset) % Math.max(16, alignment), "aligned");
                            live.add(new long[] {offset, size});
                        }
                    } else if (action < 8) {
                        long[] block = live.remove(random.nextInt(live.size()));
                        talc.free(block[0], block[1]);
                    } else if (action == 8) {
                        long[] block = live.get(random.nextInt(live.size()));
                        long newSize = random.nextLong(0, block[1] + 1);
                        talc.shrink(block[0], block[1], newSize);
                        block[1] = newSize;
                    } else {
                        long[] block = live.get(random.nextInt(live.size()));
                        long newSize = block[1] + random.nextLong(0, 64);
                        if (talc.tryGrowInPlace(block[0], block[1], newSize)) {
                            block[1] = newSize;
                        }
                    }
                    for (long[] block : live) {
                        long tag = talc.chunks().word(block[0] + Tag.chunkSize(block[1]) - Tag.WORD);
                        assertEquals(block[0] | Tag.ALLOCATED, tag,
                                () -> "tag of block offset=" + block[0] + " size=" + block[1]);
                        checked++;
                    }
                }
                talc.verify();
            }
        }
        assertTrue(checked > 10_000, "blocks checked: " + checked);
    }
}

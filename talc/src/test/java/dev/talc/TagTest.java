package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chunk layout of {@link Tag}: the low-bit encodings are disjoint as documented, and the tag of a
 * live block sits at {@code post = align8(offset + size)} or within {@link Tag#MAX_TAG_DISTANCE} above
 * it, a bound that is reached and never exceeded.
 */
class TagTest {

    @Test
    void shouldDocumentTheConstants() {
        assertEquals(8, Tag.WORD);
        assertEquals(-8, Tag.ADDRESS_MASK);
        assertEquals(7, Tag.FLAG_MASK);
        assertEquals(32, Tag.MIN_CHUNK);
        assertEquals(40, Tag.MIN_HEAP);
        assertEquals(48, Tag.MAX_TAG_DISTANCE);
        assertEquals(0, Tag.NIL);
        assertEquals(-24, Tag.NEXT_FROM_ACME);
        assertEquals(-16, Tag.PREV_FROM_ACME);
        assertEquals(-8, Tag.HIGH_SIZE_FROM_ACME);
        assertEquals(0, Tag.LOW_SIZE_OFFSET);
    }

    @Test
    void shouldKeepLowBitEncodingsDisjoint() {
        Set<Long> live = new HashSet<>();
        Set<Long> cached = new HashSet<>();
        for (long aboveFree : new long[] {0, Tag.ABOVE_FREE}) {
            live.add((Tag.ALLOCATED | aboveFree) & Tag.FLAG_MASK);
            cached.add((Tag.ALLOCATED | aboveFree | Tag.CACHED) & Tag.FLAG_MASK);
        }
        Set<Long> pointer = Set.of(Tag.POINTER & Tag.FLAG_MASK);
        Set<Long> gapWord = Set.of(0L); // SIZE, NEXT, PREV: multiples of 8 (or NIL)
        assertEquals(Set.of(1L, 3L), live, "live TAG & 7");
        assertEquals(Set.of(5L, 7L), cached, "cached TAG & 7");
        assertEquals(Set.of(4L), pointer, "TAG POINTER & 7");
        List<Set<Long>> classes = List.of(live, cached, pointer, gapWord);
        for (int i = 0; i < classes.size(); i++) {
            for (int j = i + 1; j < classes.size(); j++) {
                Set<Long> common = new HashSet<>(classes.get(i));
                common.retainAll(classes.get(j));
                assertTrue(common.isEmpty(), "classes " + i + " and " + j + " share low bits " + common);
            }
        }
    }

    @Test
    void shouldDecodeEachKindOfWordAsItsOwnKind() {
        long base = 0x1000;
        long liveTag = base | Tag.ALLOCATED;
        long liveAboveFree = base | Tag.ALLOCATED | Tag.ABOVE_FREE;
        long cachedTag = liveAboveFree | Tag.CACHED;
        long pointer = 0x2008 | Tag.POINTER;
        long gapSize = 0x40;
        for (long tag : new long[] {liveTag, liveAboveFree}) {
            assertTrue(Tag.isAllocated(tag));
            assertFalse(Tag.isPointer(tag));
            assertEquals(Tag.ALLOCATED, tag & Tag.LIVE_MASK, "a live tag has exactly ALLOCATED of LIVE_MASK");
            assertEquals(base, Tag.base(tag));
        }
        assertTrue(Tag.isAboveFree(liveAboveFree));
        assertFalse(Tag.isAboveFree(liveTag));
        assertTrue(Tag.isAllocated(cachedTag), "neighbours see a cached chunk as allocated");
        assertEquals(Tag.LIVE_MASK, cachedTag & Tag.LIVE_MASK, "frees see a cached chunk as dead");
        assertEquals(base, Tag.base(cachedTag));
        assertFalse(Tag.isAllocated(pointer));
        assertTrue(Tag.isPointer(pointer));
        assertEquals(0x2008, pointer - Tag.POINTER);
        assertFalse(Tag.isAllocated(gapSize));
        assertFalse(Tag.isPointer(gapSize));
        assertFalse(Tag.isAllocated(Tag.NIL));
        assertFalse(Tag.isPointer(Tag.NIL));
    }

    @Test
    void shouldRoundUpToWholeWords() {
        assertEquals(0, Tag.alignUp(0));
        assertEquals(8, Tag.alignUp(1));
        assertEquals(8, Tag.alignUp(8));
        assertEquals(16, Tag.alignUp(9));
    }

    /**
     * A gap of 56 bytes between two allocated chunks, filled by a zero-size block: the chunk is
     * stretched to 32 bytes (tag at +24) and the 24-byte remainder, too small for a gap, is absorbed
     * (tag at +48 = MAX_TAG_DISTANCE).
     */
    @Test
    void shouldReachMaxTagDistanceExactly() {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = new Talc(arena.allocate(4096, 4096));
            talc.claim(new Span(0, 8 + 56 + 32));
            long x = talc.tryAllocate(48, 8); // chunk [8, 64)
            long y = talc.tryAllocate(0, 8);  // chunk [64, 96)
            assertEquals(8, x);
            assertEquals(64, y);
            talc.free(x, 48);                 // cached in a quick bin, then merged when an allocation fails
            long z = talc.tryAllocate(0, 8);
            assertEquals(8, z);
            assertEquals(z + Tag.MAX_TAG_DISTANCE, tagOffset(talc, z, 0), "tag of the zero-size block");
            talc.verify();
            talc.free(z, 0);
            talc.free(y, 0);
            talc.verify();
        }
    }

    @Test
    void shouldNeverPlaceTagBeyondMaxTagDistance() {
        SplittableRandom random = new SplittableRandom(0x7A6L);
        long maxDistance = 0;
        long pointers = 0;
        long tagsAtPost = 0;
        try (Arena arena = Arena.ofConfined()) {
            // an address that is 8- but not 16-aligned, so padding takes every value
            MemorySegment memory = arena.allocate(8192 + 4096, 4096).asSlice(8, 8192);
            for (int round = 0; round < 300; round++) {
                Talc talc = new Talc(memory);
                long heapBytes = 8 * random.nextLong(5, 128);
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
                        long post = Tag.alignUp(block[0] + block[1]);
                        long tagOffset = tagOffset(talc, block[0], block[1]);
                        maxDistance = Math.max(maxDistance, tagOffset - post);
                        if (tagOffset == post) {
                            tagsAtPost++;
                        } else {
                            pointers++;
                        }
                    }
                }
                talc.verify();
            }
        }
        assertTrue(pointers > 1000 && tagsAtPost > 1000, "both encodings exercised: pointers=" + pointers
                + " tagsAtPost=" + tagsAtPost);
        assertEquals(Tag.MAX_TAG_DISTANCE, maxDistance, "the furthest tag seen above post");
    }

    /**
     * The offset of the live tag of block {@code (offset, size)}, read as the allocator's layout says:
     * the word at post is the tag, or a pointer to it at most MAX_TAG_DISTANCE higher.
     */
    private static long tagOffset(Talc talc, long offset, long size) {
        long post = Tag.alignUp(offset + size);
        long word = talc.word(post);
        long tagOffset = post;
        if ((word & Tag.FLAG_MASK) == Tag.POINTER) {
            tagOffset = word - Tag.POINTER;
            if (tagOffset <= post || tagOffset - post > Tag.MAX_TAG_DISTANCE) {
                fail("block offset=" + offset + " size=" + size + ": pointer at post=" + post + " to " + tagOffset
                        + " is " + (tagOffset - post) + " bytes away, max " + Tag.MAX_TAG_DISTANCE);
            }
            word = talc.word(tagOffset);
        }
        long low = word & Tag.FLAG_MASK;
        if (low != 1 && low != 3) {
            fail("block offset=" + offset + " size=" + size + ": word at " + tagOffset + " = 0x"
                    + Long.toHexString(word) + " is not a live tag");
        }
        long base = Tag.base(word);
        if (base > offset || tagOffset + Tag.WORD - base < Tag.MIN_CHUNK) {
            fail("block offset=" + offset + " size=" + size + ": tag 0x" + Long.toHexString(word) + " at " + tagOffset
                    + " does not describe a chunk holding it");
        }
        return tagOffset;
    }
}

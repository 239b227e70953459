package dev.talc;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The oracle of the fuzz targets and the soak: every live block, and the contents it must hold.
 *
 * <p>Unlike {@link ShadowModel}, which fills a block with one byte and checks it byte by byte, a block
 * here holds a slice of one fixed pseudo-random {@link #PATTERN} (from a per-block start), copied in and
 * compared with the JDK's bulk {@code MemorySegment.copy} and {@code mismatch}: no per-byte loop in the
 * instrumented package, so fuzzing stays fast, and a block moved to the wrong place or mixed up with
 * another cannot pass the check by accident.
 */
final class LiveBlocks {
    /** The largest block the pattern can fill. */
    static final long MAX_PATTERN_BLOCK = 8L << 20;
    private static final int SEEDS = 4096;
    private static final MemorySegment PATTERN = pattern();

    /** One live block: where, how large, how aligned, and where in {@link #PATTERN} its contents start. */
    record Block(long offset, long size, long alignment, int seed) {
        long end() {
            return offset + size;
        }
    }

    private final MemorySegment memory;
    private final TreeMap<Long, Block> byOffset = new TreeMap<>();
    private final List<Block> byIndex = new ArrayList<>();
    private long bytes;

    LiveBlocks(MemorySegment memory) {
        this.memory = memory;
    }

    private static MemorySegment pattern() {
        long[] words = new long[(int) ((MAX_PATTERN_BLOCK + SEEDS) / 8)];
        SplittableRandom random = new SplittableRandom(0x7A1C);
        for (int i = 0; i < words.length; i++) {
            words[i] = random.nextLong();
        }
        return MemorySegment.ofArray(words);
    }

    int size() {
        return byIndex.size();
    }

    boolean isEmpty() {
        return byIndex.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    Block get(int index) {
        return byIndex.get(index);
    }

    /** The live block starting at {@code offset}, or null. */
    Block at(long offset) {
        return byOffset.get(offset);
    }

    /** The live block whose bytes include {@code offset}, or null. */
    Block containing(long offset) {
        Map.Entry<Long, Block> below = byOffset.floorEntry(offset);
        return below != null && offset < below.getValue().end() ? below.getValue() : null;
    }

    List<Block> all() {
        return List.copyOf(byIndex);
    }

    /** Checks where the new block is (aligned, in a heap, overlapping nothing), records it and fills it. */
    void add(Block block, List<Span> heaps) {
        assertTrue(block.offset() >= 0 && block.size() >= 0 && block.size() <= MAX_PATTERN_BLOCK, () -> "bad block " + block);
        assertEquals(0, (memory.address() + block.offset()) & (block.alignment() - 1), () -> "misaligned: " + block);
        boolean inHeap = false;
        for (Span heap : heaps) {
            inHeap |= heap.base() < block.offset() && block.end() <= heap.acme();
        }
        assertTrue(inHeap, () -> "outside every heap: " + block + " heaps=" + heaps);
        Map.Entry<Long, Block> below = byOffset.floorEntry(block.offset());
        if (below != null) {
            assertTrue(below.getValue().end() <= block.offset() && below.getKey() != block.offset(),
                    () -> "overlaps " + below.getValue() + ": " + block);
        }
        Map.Entry<Long, Block> above = byOffset.higherEntry(block.offset());
        if (above != null) {
            assertTrue(block.end() <= above.getKey(), () -> "overlaps " + above.getValue() + ": " + block);
        }
        byOffset.put(block.offset(), block);
        byIndex.add(block);
        bytes += block.size();
        MemorySegment.copy(PATTERN, block.seed(), memory, block.offset(), block.size());
    }

    /** Forgets the block at {@code index} (swap-remove), without looking at its memory. */
    Block remove(int index) {
        Block block = byIndex.get(index);
        Block last = byIndex.removeLast();
        if (index < byIndex.size()) {
            byIndex.set(index, last);
        }
        byOffset.remove(block.offset());
        bytes -= block.size();
        return block;
    }

    /** Whether the first {@code length} bytes at {@code offset} hold the start of {@code block}'s contents. */
    boolean intact(Block block, long offset, long length) {
        return MemorySegment.mismatch(memory, offset, offset + length, PATTERN, block.seed(), block.seed() + length) < 0;
    }

    boolean intact(Block block) {
        return intact(block, block.offset(), block.size());
    }

    void checkIntact(Block block) {
        if (!intact(block)) {
            long at = MemorySegment.mismatch(memory, block.offset(), block.end(), PATTERN, block.seed(),
                    block.seed() + block.size());
            fail("contents changed at +" + at + " of " + block);
        }
    }

    /** Fails unless every live block holds its contents. */
    void checkAll() {
        for (Block block : byIndex) {
            checkIntact(block);
        }
    }

    /** The number of live blocks whose contents changed (other than {@code except}, which may be null). */
    int corrupted(Block except) {
        int corrupted = 0;
        for (Block block : byIndex) {
            if (block != except && !intact(block)) {
                corrupted++;
            }
        }
        return corrupted;
    }

    /** Fails unless the allocator counts exactly the live blocks and bytes of this model. */
    void checkStats(TalcStats stats) {
        assertEquals(byIndex.size(), stats.allocationCount(), "allocationCount");
        assertEquals(bytes, stats.allocatedBytes(), "allocatedBytes");
        assertTrue(stats.availableBytes() >= 0 && stats.overheadBytes() >= 0, () -> "negative counters " + stats);
    }

    /** Whether any live block lies in {@code heap} but not entirely inside {@code kept}. */
    boolean anyOutside(Span heap, Span kept) {
        for (Block block : byOffset.subMap(heap.base(), heap.acme()).values()) {
            if (block.offset() < kept.base() || block.end() > kept.acme()) {
                return true;
            }
        }
        return false;
    }

    /** A new pattern start for a block. */
    static int seed(Choices in) {
        return in.nextInt(SEEDS);
    }
}

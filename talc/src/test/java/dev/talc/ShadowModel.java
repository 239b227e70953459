package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The test oracle: every live block the allocator handed out, with the byte pattern written into it.
 * Checks no overlap, alignment, containment in a heap, intact contents and exact counters.
 */
final class ShadowModel {
    /** One live block: its size, alignment and the pattern byte it is filled with. */
    record Block(long offset, long size, long alignment, byte fill) {
        long end() {
            return offset + size;
        }
    }

    private final MemorySegment memory;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private final List<Block> byIndex = new ArrayList<>();
    private long bytes;

    ShadowModel(MemorySegment memory) {
        this.memory = memory;
    }

    int size() {
        return blocks.size();
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    Block get(int index) {
        return byIndex.get(index);
    }

    Iterable<Block> blocks() {
        return List.copyOf(blocks.values());
    }

    /** Records a new block after checking where it is, then fills it. */
    void add(Block block, List<Span> heaps) {
        assertTrue(block.offset() >= 0, "offset " + block.offset());
        assertEquals(0, (memory.address() + block.offset()) % block.alignment(),
                () -> "misaligned: " + block);
        if (block.size() > 0 || true) {
            boolean inHeap = heaps.stream().anyMatch(h -> h.base() < block.offset() && block.end() <= h.acme());
            assertTrue(inHeap, () -> "outside every heap: " + block + " heaps=" + heaps);
        }
        Map.Entry<Long, Block> below = blocks.floorEntry(block.offset());
        if (below != null) {
            assertTrue(below.getValue().end() <= block.offset() && below.getKey() != block.offset(),
                    () -> "overlaps " + below.getValue() + ": " + block);
        }
        Map.Entry<Long, Block> above = blocks.higherEntry(block.offset());
        if (above != null) {
            assertTrue(block.end() <= above.getKey(), () -> "overlaps " + above.getValue() + ": " + block);
        }
        blocks.put(block.offset(), block);
        byIndex.add(block);
        bytes += block.size();
        fill(block);
    }

    /** Forgets the block at {@code index} (swap-remove) after checking its contents. */
    Block remove(int index) {
        checkContents(byIndex.get(index), byIndex.get(index).size());
        return forget(index);
    }

    /** Forgets the block at {@code index} (swap-remove) without looking at its memory. */
    Block forget(int index) {
        Block block = byIndex.get(index);
        Block last = byIndex.removeLast();
        if (index < byIndex.size()) {
            byIndex.set(index, last);
        }
        blocks.remove(block.offset());
        bytes -= block.size();
        return block;
    }

    void fill(Block block) {
        memory.asSlice(block.offset(), block.size()).fill(block.fill());
    }

    void checkContents(Block block, long length) {
        MemorySegment slice = memory.asSlice(block.offset(), length);
        for (long i = 0; i < length; i++) {
            byte b = slice.get(ValueLayout.JAVA_BYTE, i);
            if (b != block.fill()) {
                fail("contents changed at +" + i + " of " + block + ": " + b);
            }
        }
    }

    void checkAll() {
        for (Block block : blocks.values()) {
            checkContents(block, block.size());
        }
    }

    void checkStats(TalcStats stats) {
        assertEquals(blocks.size(), stats.allocationCount(), "allocationCount");
        assertEquals(bytes, stats.allocatedBytes(), "allocatedBytes");
        assertEquals(stats.claimedBytes(), stats.allocatedBytes() + stats.availableBytes() + stats.overheadBytes());
    }

    /** Whether any live block lies (even partly) outside {@code [base, acme)} but inside {@code heap}. */
    boolean anyOutside(Span heap, Span kept) {
        for (Block block : blocks.subMap(heap.base(), heap.acme()).values()) {
            if (block.offset() < kept.base() || block.end() > kept.acme()) {
                return true;
            }
        }
        return false;
    }
}

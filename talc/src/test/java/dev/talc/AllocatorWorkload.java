package dev.talc;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps that the randomized workloads over a {@link TalcAllocator} share, checked against a
 * {@link LiveBlocks} model, with decisions from a {@link Choices} source: free, grow in place or shrink a
 * random live block, record a new or moved block, check the counters, free everything at the end. Freed
 * blocks are remembered (for double frees, which must be rejected) until their memory is handed out again.
 *
 * <p>Subclasses add their own operations and checks: {@link TalcWorkload} (every operation of a
 * {@link Talc}, for the fuzz targets and the misuse census), the soak, and the {@link ConcurrentTalc} fuzz
 * target.
 *
 * @param <A> the allocator under test
 */
abstract class AllocatorWorkload<A extends TalcAllocator> {
    /** A block that was freed: where, how large, how aligned. */
    record Freed(long offset, long size, long alignment) {}

    /** How many freed blocks (or released spans) are remembered, unless a workload says otherwise. */
    static final int REMEMBERED = 64;

    final A talc;
    final MemorySegment memory;
    final long memoryBytes;
    final Choices in;
    final LiveBlocks blocks;
    /** Freed blocks whose memory has not been handed out again: a second free of these must be rejected. */
    final Deque<Freed> freed = new ArrayDeque<>();
    private final int rememberedFreed;
    private final List<Span> whole;

    /**
     * @param talc            the allocator, over the whole of its {@code memory()}
     * @param in              where the decisions come from
     * @param rememberedFreed how many freed blocks to remember at most
     */
    AllocatorWorkload(A talc, Choices in, int rememberedFreed) {
        this.talc = talc;
        this.memory = talc.memory();
        this.memoryBytes = memory.byteSize();
        this.in = in;
        this.blocks = new LiveBlocks(memory);
        this.rememberedFreed = rememberedFreed;
        this.whole = List.of(new Span(0, memoryBytes));
    }

    /** The spans a live block must lie in: by default the whole memory. */
    List<Span> blockHeaps() {
        return whole;
    }

    /** How many bytes a growth in place asks for, drawn from {@link #in}. */
    abstract long growth();

    /** {@code verify()}, a ConcurrentTalc's remembered failures, and the counters against the model. */
    void check() {
        talc.verify();
        if (talc instanceof ConcurrentTalc concurrent) {
            concurrent.checkRememberedFailures();
        }
        blocks.checkStats(talc.stats());
    }

    /** The index of a random live block, or -1 when there is none. */
    int pickLive() {
        return blocks.isEmpty() ? -1 : in.nextInt(blocks.size());
    }

    /** A random entry of {@code deque} (of {@link #freed}, say), or null when it is empty. */
    <T> T pick(Deque<T> deque) {
        return deque.isEmpty() ? null : new ArrayList<>(deque).get(in.nextInt(deque.size()));
    }

    /** Records a new (or moved or grown) block, after checking it, and forgets freed blocks whose memory it took. */
    void added(LiveBlocks.Block block) {
        blocks.add(block, blockHeaps());
        handedOut(block.offset(), block.size());
    }

    /**
     * Forgets (passing to {@link #reused}) every freed block whose metadata words could lie in the chunk of a
     * block now at {@code [offset, offset + size)}: a chunk may start up to 24 bytes below its block and end
     * up to 56 bytes above it, and a free reads words from the block's start to 56 bytes past its end.
     */
    void handedOut(long offset, long size) {
        long lo = offset - 32;
        long hi = offset + size + 64;
        freed.removeIf(f -> {
            boolean overlaps = f.offset() - 8 < hi && lo < f.offset() + f.size() + 64;
            if (overlaps) {
                reused(f);
            }
            return overlaps;
        });
    }

    /** A freed block whose memory was handed out again (a second free of it may now pass); by default dropped. */
    void reused(Freed f) {
    }

    /** Remembers a block that was just freed, or moved away from. */
    void rememberFreed(LiveBlocks.Block block) {
        remember(freed, new Freed(block.offset(), block.size(), block.alignment()), rememberedFreed);
    }

    /** Adds {@code item} to {@code deque}, dropping the oldest entry when it already holds {@code max}. */
    static <T> void remember(Deque<T> deque, T item, int max) {
        if (deque.size() == max) {
            deque.removeFirst();
        }
        deque.addLast(item);
    }

    long offsetOf(MemorySegment block) {
        return block.address() - memory.address();
    }

    MemorySegment segmentOf(LiveBlocks.Block block) {
        return memory.asSlice(block.offset(), block.size());
    }

    /** Frees a random live block after checking its contents, raw or as a segment ({@link #freeRaw()}). */
    void free() {
        int index = pickLive();
        if (index < 0) {
            return;
        }
        LiveBlocks.Block block = blocks.get(index);
        blocks.checkIntact(block);
        if (freeRaw()) {
            talc.free(block.offset(), block.size());
        } else {
            talc.free(segmentOf(block));
        }
        blocks.remove(index);
        rememberFreed(block);
    }

    /** Whether a free uses the raw form rather than the segment: by default a coin toss. */
    boolean freeRaw() {
        return in.nextBoolean();
    }

    /** The block at {@code index} is now {@code [offset, offset + newSize)}: its old contents must be there. */
    void resized(int index, LiveBlocks.Block block, long offset, long newSize, long alignment) {
        long kept = Math.min(block.size(), newSize);
        assertTrue(blocks.intact(block, offset, kept), () -> "contents lost moving " + block + " to " + offset);
        blocks.remove(index);
        if (offset != block.offset()) {
            rememberFreed(block);
        }
        added(new LiveBlocks.Block(offset, newSize, alignment, LiveBlocks.seed(in)));
    }

    /** Grows a random live block in place by {@link #growth()} bytes, if the memory above it is free. */
    void growInPlace() {
        int index = pickLive();
        if (index < 0) {
            return;
        }
        LiveBlocks.Block block = blocks.get(index);
        long newSize = block.size() + growth();
        if (tryGrowInPlace(block, newSize)) {
            resized(index, block, block.offset(), newSize, block.alignment());
        }
    }

    /** The allocator's {@code tryGrowInPlace} on {@code block}. */
    boolean tryGrowInPlace(LiveBlocks.Block block, long newSize) {
        return talc.tryGrowInPlace(block.offset(), block.size(), newSize);
    }

    /** Shrinks a random live block in place to a random smaller size (or the same). */
    void shrink() {
        int index = pickLive();
        if (index < 0) {
            return;
        }
        LiveBlocks.Block block = blocks.get(index);
        long newSize = in.nextLong(0, block.size());
        talc.shrink(block.offset(), block.size(), newSize);
        assertTrue(blocks.intact(block, block.offset(), newSize), () -> "contents lost shrinking " + block);
        blocks.remove(index);
        blocks.add(new LiveBlocks.Block(block.offset(), newSize, block.alignment(), block.seed()), blockHeaps());
    }

    /** Checks every live block's contents, then frees them, newest first; see {@link #checkNothingAllocated()}. */
    TalcStats freeAll() {
        blocks.checkAll();
        while (!blocks.isEmpty()) {
            LiveBlocks.Block block = blocks.remove(blocks.size() - 1);
            talc.free(block.offset(), block.size());
        }
        return checkNothingAllocated();
    }

    /** With every block freed: {@code verify()} passes, nothing is allocated, and every allocation was freed. */
    TalcStats checkNothingAllocated() {
        talc.verify();
        TalcStats stats = talc.stats();
        assertEquals(0, stats.allocationCount());
        assertEquals(0, stats.allocatedBytes());
        assertEquals(stats.totalAllocationCount(), stats.totalFreeCount());
        return stats;
    }
}

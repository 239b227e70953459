package dev.talc;

import static dev.talc.Tag.ADDRESS_MASK;
import static dev.talc.Tag.MIN_GAP;
import static dev.talc.Tag.SENTINEL;
import static dev.talc.Tag.WORD;

/**
 * Walks the chunks of one heap, from its acme down, for diagnostics ({@link HeapMap}).
 *
 * <h2>Design note</h2>
 * The same walk as {@link Verifier}'s heap pass, without its checks of bins, counters and flags: the
 * top word of every chunk is either a tag ({@link Tag#ALLOCATED} set; {@link Tag#CACHED} too for a chunk
 * waiting in a quick bin), which holds the chunk's base, or a gap's word, whose id gives the gap's base
 * from its record in {@link Gaps}. So each step reads one word and lands on the top of the chunk below,
 * until the walk reaches the sentinel at {@code heap.base}. A word that cannot be a valid tag or gap
 * word stops the walk with an {@link IllegalStateException} (the heap is corrupt: {@link Talc#verify()}
 * names the invariant), so a broken heap never sends the walk outside the heap or into a loop: every
 * step moves down by at least {@link Tag#MIN_GAP} bytes.
 *
 * <p>Time complexity: O(chunks in the heap). Reads the allocator's memory: call it on the thread that
 * owns the allocator.
 */
final class ChunkWalker {
    /** The chunk is allocated: a live block, with its tag in its top word. */
    static final int ALLOCATED = 0;
    /** The chunk is free (a gap in a bin). */
    static final int GAP = 1;
    /** The chunk is freed but waits in a quick bin, not merged yet; its tag is still in its top word. */
    static final int CACHED = 2;

    /** Receives each chunk, highest first. */
    @FunctionalInterface
    interface Visitor {
        void chunk(long base, long acme, int kind);
    }

    private ChunkWalker() {}

    /** Visits every chunk of heap number {@code heap} (in {@link Heaps} order), from the acme down. */
    static void walk(Talc talc, int heap, Visitor visitor) {
        Heaps heaps = talc.chunks().heaps;
        long heapBase = heaps.base(heap);
        long at = heaps.acme(heap);
        while (at > heapBase + SENTINEL) {
            long top = talc.chunks().word(at - WORD);
            long base;
            int kind;
            if (Tag.isAllocated(top)) {
                base = top & ADDRESS_MASK;
                kind = (top & Tag.CACHED) != 0 ? CACHED : ALLOCATED;
            } else {
                int id = Tag.gapId(top);
                if (!Tag.isGapWord(top) || id < 1 || id > talc.chunks().gaps.usedIds() || talc.chunks().gaps.base(id) + talc.chunks().gaps.size(id) != at) {
                    throw broken(at, top, heaps.span(heap));
                }
                base = talc.chunks().gaps.base(id);
                kind = GAP;
            }
            if (base < heapBase + SENTINEL || at - base < MIN_GAP) {
                throw broken(at, top, heaps.span(heap));
            }
            visitor.chunk(base, at, kind);
            at = base;
        }
        if (at != heapBase + SENTINEL) {
            throw broken(at, talc.chunks().word(heapBase + WORD), heaps.span(heap));
        }
    }

    private static IllegalStateException broken(long chunkAcme, long topWord, Span heap) {
        return Errors.invariant("heap-tiled", "chunkAcme=" + Errors.hex(chunkAcme) + " topWord=" + Errors.hex(topWord)
                + " heap=" + heap + " (run verify() for details)");
    }
}

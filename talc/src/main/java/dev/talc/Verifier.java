package dev.talc;

import java.util.Arrays;

import static dev.talc.Tag.ADDRESS_MASK;
import static dev.talc.Tag.FLAG_MASK;
import static dev.talc.Tag.MIN_CHUNK;
import static dev.talc.Tag.MIN_HEAP;
import static dev.talc.Tag.NIL;
import static dev.talc.Tag.WORD;

/**
 * The full invariant scan behind {@link Talc#verify()}.
 *
 * <h2>Design note</h2>
 * Three passes, each checking one family of invariants and naming the first one broken:
 * <ol>
 * <li><b>bins</b>: every list is well linked (head.PREV = NIL, x.NEXT.PREV = x, no cycle), every gap in
 *     list b has {@code Bins.bin(size) = b}, bitmap bit b ⇔ list b non-empty, summary ⇔ bitmap words;</li>
 * <li><b>heaps</b>: sorted, disjoint, inside memory, word-aligned, at least {@link Tag#MIN_HEAP} bytes;
 *     each heap is walked from its acme down, chunk by chunk, by the top word of each chunk (a tag or a
 *     gap's SIZE). The walk must land exactly on {@code base + 8}, on a valid sentinel, so the chunks
 *     tile the heap: every byte in exactly one chunk. Gaps: SIZE equal at both ends, never adjacent,
 *     listed in their bin. Tags: valid flags, ABOVE_FREE ⇔ the chunk above is a gap;</li>
 * <li><b>counters</b>: live count and chunk bytes, gap count, claimed and available bytes agree with
 *     the walk, every listed gap was found in a heap; in checked mode every registered block decodes to
 *     its own chunk and the registry's count and bytes match.</li>
 * </ol>
 * Reads are bounds-checked against the heaps first, so a corrupted heap yields a named invariant, not
 * an {@link IndexOutOfBoundsException}.
 */
final class Verifier {
    private final Talc talc;
    private final Gaps gaps;
    private final Heaps heaps;

    private long[] listedGaps = new long[0];
    private boolean[] found = new boolean[0];
    private long[] cachedChunks = new long[0];
    private boolean[] cachedFound = new boolean[0];

    Verifier(Talc talc) {
        this.talc = talc;
        this.gaps = talc.gaps();
        this.heaps = talc.heapList();
    }

    void verify() {
        checkBins();
        checkHeapList();
        checkQuickBins();
        long liveChunks = 0;
        long chunkBytes = 0;
        long cachedCount = 0;
        long cachedBytes = 0;
        long gapCount = 0;
        long gapBytes = 0;
        for (int h = 0; h < heaps.count(); h++) {
            long heapBase = heaps.base(h);
            long at = heaps.acme(h);
            boolean aboveIsGap = false;
            while (at > heapBase + WORD) {
                long top = talc.word(at - WORD);
                long base;
                if (Tag.isAllocated(top)) {
                    base = top & ADDRESS_MASK;
                    if (base < heapBase + WORD || at - base < MIN_CHUNK) {
                        throw fail("tag-valid", "tagOffset=" + hex(at - WORD) + " tag=" + hex(top) + " heap=" + heaps.span(h));
                    }
                    if (Tag.isAboveFree(top) != aboveIsGap) {
                        throw fail("above-free-flag", "tagOffset=" + hex(at - WORD) + " tag=" + hex(top)
                                + " chunkAboveIsGap=" + aboveIsGap);
                    }
                    if ((top & Tag.CACHED) != 0) {
                        int index = Arrays.binarySearch(cachedChunks, base);
                        if (index < 0 || cachedFound[index]) {
                            throw fail("cached-chunk-listed", "chunk=" + hex(base) + " size=" + (at - base));
                        }
                        cachedFound[index] = true;
                        cachedCount++;
                        cachedBytes += at - base;
                    } else {
                        liveChunks++;
                        chunkBytes += at - base;
                    }
                    aboveIsGap = false;
                } else {
                    long size = top;
                    if (size < MIN_CHUNK || (size & FLAG_MASK) != 0 || size > at - heapBase - WORD) {
                        throw fail("gap-size-valid", "gapAcme=" + hex(at) + " size=" + size + " heap=" + heaps.span(h));
                    }
                    base = at - size;
                    long lowSize = talc.word(base);
                    if (lowSize != size) {
                        throw fail("gap-sizes-equal", "gap=" + hex(base) + " lowSize=" + lowSize + " highSize=" + size);
                    }
                    if (aboveIsGap) {
                        throw fail("no-adjacent-gaps", "gap=" + hex(base) + " gapAbove=" + hex(at));
                    }
                    int index = Arrays.binarySearch(listedGaps, at);
                    if (index < 0) {
                        throw fail("gap-listed", "gap=" + hex(base) + " size=" + size + " bin=" + Bins.bin(size));
                    }
                    found[index] = true;
                    gapCount++;
                    gapBytes += size;
                    aboveIsGap = true;
                }
                at = base;
            }
            long sentinel = talc.word(heapBase);
            if (at != heapBase + WORD || !Tag.isAllocated(sentinel) || (sentinel & ADDRESS_MASK) != heapBase
                    || (sentinel & Tag.POINTER) != 0 || Tag.isAboveFree(sentinel) != aboveIsGap) {
                throw fail("heap-tiled", "heap=" + heaps.span(h) + " walkEndedAt=" + hex(at) + " sentinel=" + hex(sentinel)
                        + " firstChunkIsGap=" + aboveIsGap);
            }
        }
        for (int i = 0; i < listedGaps.length; i++) {
            if (!found[i]) {
                throw fail("listed-gap-in-heap", "gapAcme=" + hex(listedGaps[i]));
            }
        }
        for (int i = 0; i < cachedChunks.length; i++) {
            if (!cachedFound[i]) {
                throw fail("cached-chunk-in-heap", "chunk=" + hex(cachedChunks[i]));
            }
        }
        QuickBins quick = talc.quickBins();
        if (cachedCount != quick.count() || cachedBytes != quick.bytes()) {
            throw fail("quick-bin-counters", "cachedChunks=" + cachedCount + " counted=" + quick.count()
                    + " cachedBytes=" + cachedBytes + " counted=" + quick.bytes());
        }
        checkCounters(liveChunks, chunkBytes, gapCount + cachedCount, gapBytes + cachedBytes);
        if (talc.registry() != null) {
            checkRegistry(liveChunks);
        }
    }

    private void checkBins() {
        if (!gaps.summaryConsistent()) {
            throw fail("summary-matches-bitmap", "");
        }
        long[] bases = new long[16];
        int n = 0;
        for (int bin = 0; bin < Bins.COUNT; bin++) {
            long head = gaps.head(bin);
            if ((head != NIL) != gaps.bitSet(bin)) {
                throw fail("bitmap-matches-bins", "bin=" + bin + " head=" + hex(head) + " bit=" + gaps.bitSet(bin));
            }
            long prev = NIL;
            for (long acme = head; acme != NIL; acme = gaps.next(talc.memory(), acme)) {
                int heap = heaps.find(acme - 1);
                if (heap < 0 || acme - MIN_CHUNK < heaps.base(heap) + WORD || (acme & FLAG_MASK) != 0) {
                    throw fail("listed-gap-in-heap", "bin=" + bin + " gapAcme=" + hex(acme));
                }
                if (gaps.prev(talc.memory(), acme) != prev) {
                    throw fail("list-linked", "bin=" + bin + " gapAcme=" + hex(acme) + " prev="
                            + hex(gaps.prev(talc.memory(), acme)) + " expectedPrev=" + hex(prev));
                }
                long size = gaps.sizeBelow(talc.memory(), acme);
                if (size < MIN_CHUNK || (size & FLAG_MASK) != 0 || Bins.bin(size) != bin
                        || acme - size < heaps.base(heap) + WORD) {
                    throw fail("gap-in-its-bin", "bin=" + bin + " gapAcme=" + hex(acme) + " size=" + size);
                }
                if (n == bases.length) {
                    bases = Arrays.copyOf(bases, n * 2);
                }
                bases[n++] = acme;
                if (n > gaps.count()) {
                    throw fail("gap-count", "listed>" + gaps.count() + " (a cycle?) bin=" + bin);
                }
                prev = acme;
            }
        }
        if (n != gaps.count()) {
            throw fail("gap-count", "listed=" + n + " counted=" + gaps.count());
        }
        listedGaps = Arrays.copyOf(bases, n);
        Arrays.sort(listedGaps);
        for (int i = 1; i < n; i++) {
            if (listedGaps[i] == listedGaps[i - 1]) {
                throw fail("gap-listed-once", "gapAcme=" + hex(listedGaps[i]));
            }
        }
        found = new boolean[n];
    }

    /** Every quick-bin list: the recorded length, chunks of the list's size, tagged CACHED, in a heap. */
    private void checkQuickBins() {
        QuickBins quick = talc.quickBins();
        long[] bases = new long[16];
        int n = 0;
        for (int list = 0; list < quick.lists(); list++) {
            long size = QuickBins.sizeOfList(list);
            int length = 0;
            for (long chunk = quick.headOfList(list); chunk != NIL; chunk = quick.next(talc.memory(), chunk)) {
                int heap = heaps.find(chunk);
                if (heap < 0 || chunk + size > heaps.acme(heap) || (chunk & FLAG_MASK) != 0
                        || ++length > quick.countOfList(list)) {
                    throw fail("quick-bin-linked", "size=" + size + " chunk=" + hex(chunk) + " length=" + length
                            + " counted=" + quick.countOfList(list));
                }
                long tag = talc.word(chunk + size - WORD);
                if ((tag & Tag.LIVE_MASK) != Tag.LIVE_MASK || (tag & ADDRESS_MASK) != chunk) {
                    throw fail("quick-bin-tagged", "size=" + size + " chunk=" + hex(chunk) + " tag=" + hex(tag));
                }
                if (n == bases.length) {
                    bases = Arrays.copyOf(bases, n * 2);
                }
                bases[n++] = chunk;
            }
            if (length != quick.countOfList(list) || length > QuickBins.CAP) {
                throw fail("quick-bin-count", "size=" + size + " length=" + length + " counted=" + quick.countOfList(list));
            }
        }
        cachedChunks = Arrays.copyOf(bases, n);
        Arrays.sort(cachedChunks);
        cachedFound = new boolean[n];
    }

    private void checkHeapList() {
        long memoryBytes = talc.memory().byteSize();
        for (int h = 0; h < heaps.count(); h++) {
            long base = heaps.base(h);
            long acme = heaps.acme(h);
            if (base < 0 || acme > memoryBytes || acme - base < MIN_HEAP || ((base | acme) & FLAG_MASK) != 0
                    || (h > 0 && heaps.acme(h - 1) > base)) {
                throw fail("heaps-sorted-disjoint-aligned", "heap=" + heaps.span(h) + " heaps=" + heaps.list());
            }
        }
    }

    private void checkCounters(long liveChunks, long chunkBytes, long gapCount, long gapBytes) {
        TalcStats stats = talc.stats();
        if (liveChunks != stats.allocationCount() || chunkBytes != talc.chunkBytes()) {
            throw fail("live-counters", "chunks=" + liveChunks + " allocationCount=" + stats.allocationCount()
                    + " chunkBytes=" + chunkBytes + " counted=" + talc.chunkBytes());
        }
        if (gapCount != stats.gapCount() || gapBytes != stats.availableBytes()) {
            throw fail("gap-counters", "gaps=" + gapCount + " gapCount=" + stats.gapCount()
                    + " gapBytes=" + gapBytes + " availableBytes=" + stats.availableBytes());
        }
        if (heaps.totalBytes() != stats.claimedBytes()) {
            throw fail("claimed-bytes", "heapBytes=" + heaps.totalBytes() + " claimedBytes=" + stats.claimedBytes());
        }
        if (stats.allocatedBytes() < 0 || stats.allocatedBytes() + WORD * liveChunks > chunkBytes) {
            throw fail("allocated-bytes-fit-chunks", "allocatedBytes=" + stats.allocatedBytes()
                    + " chunkBytes=" + chunkBytes + " chunks=" + liveChunks);
        }
    }

    private void checkRegistry(long liveChunks) {
        BlockRegistry registry = talc.registry();
        TalcStats stats = talc.stats();
        if (registry.count() != liveChunks || registry.totalBytes() != stats.allocatedBytes()) {
            throw fail("registry-counters", "registered=" + registry.count() + " chunks=" + liveChunks
                    + " registeredBytes=" + registry.totalBytes() + " allocatedBytes=" + stats.allocatedBytes());
        }
        long[] tags = new long[registry.count()];
        int[] n = {0};
        registry.forEach((offset, byteSize) -> {
            tags[n[0]++] = tagOfRegistered(offset, byteSize);
            return 0;
        });
        Arrays.sort(tags);
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == tags[i - 1]) {
                throw fail("one-block-per-chunk", "tagOffset=" + hex(tags[i]));
            }
        }
    }

    private long tagOfRegistered(long offset, long byteSize) {
        long post = Tag.alignUp(offset + byteSize);
        int heap = heaps.find(offset);
        if (heap < 0 || post > heaps.acme(heap) - WORD) {
            throw fail("registered-block-in-heap", "offset=" + hex(offset) + " byteSize=" + byteSize);
        }
        long tagOffset = post;
        long tag = talc.word(post);
        if (!Tag.isAllocated(tag)) {
            tagOffset = tag - Tag.POINTER;
            if (!Tag.isPointer(tag) || tagOffset <= post || tagOffset - post > Tag.MAX_TAG_DISTANCE
                    || tagOffset > heaps.acme(heap) - WORD || !Tag.isAllocated(tag = talc.word(tagOffset))) {
                throw fail("registered-block-tagged", "offset=" + hex(offset) + " byteSize=" + byteSize
                        + " wordAtPost=" + hex(talc.word(post)));
            }
        }
        if ((tag & ADDRESS_MASK) > offset || offset - (tag & ADDRESS_MASK) >= MIN_CHUNK) {
            throw fail("registered-block-in-chunk", "offset=" + hex(offset) + " chunkBase=" + hex(tag & ADDRESS_MASK));
        }
        return tagOffset;
    }

    private static IllegalStateException fail(String invariant, String detail) {
        return Errors.invariant(invariant, detail);
    }

    private static String hex(long value) {
        return Errors.hex(value);
    }
}

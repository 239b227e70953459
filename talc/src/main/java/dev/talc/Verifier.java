package dev.talc;

import java.util.Arrays;

import static dev.talc.Tag.ADDRESS_MASK;
import static dev.talc.Tag.GRANULE;
import static dev.talc.Tag.MIN_CHUNK;
import static dev.talc.Tag.MIN_GAP;
import static dev.talc.Tag.MIN_HEAP;
import static dev.talc.Tag.SENTINEL;
import static dev.talc.Tag.WORD;

/**
 * The full invariant scan behind {@link Talc#verify()}.
 *
 * <h2>Design note</h2>
 * Four passes, each checking one family of invariants and naming the first one broken:
 * <ol>
 * <li><b>bins</b>: every list is well linked (head.prev = 0, x.next.prev = x, no cycle, no id twice),
 *     every gap in list b has {@code Bins.bin(size) = b} and lies in a heap, bitmap bit b ⇔ list b
 *     non-empty, summary ⇔ bitmap words; the victim lies in a heap, below its acme (base + size &lt; acme:
 *     the top gap is never the victim), is at most {@code Chunks.VICTIM_LIMIT} bytes, and is in no list;</li>
 * <li><b>quick bins</b>: every cached chunk lies in a heap, once, tagged CACHED with its own base;</li>
 * <li><b>heaps</b>: sorted, disjoint, inside memory, granule-aligned, at least {@link Tag#MIN_HEAP}
 *     bytes; each heap is walked from its acme down, chunk by chunk, by the top word of each chunk (a tag,
 *     or a gap word whose record gives the gap's base). The walk must land exactly on {@code base + 16},
 *     below which the sentinel's tag holds the heap's base, so the chunks tile the heap: every byte in
 *     exactly one chunk. Gaps: both boundary words name the gap, the record's bounds match, never
 *     adjacent, listed in their bin. Tags: valid flags, granule-aligned bounds, CACHED ⇔ the chunk is in a
 *     quick bin;</li>
 * <li><b>counters</b>: live count and chunk bytes, gap count, claimed and available bytes agree with
 *     the walk, every listed gap and cached chunk was found in a heap; in checked mode every registered
 *     block's tag is where its size puts it, and the registry's count and bytes match.</li>
 * </ol>
 * Reads are bounds-checked against the heaps first, so a corrupted heap yields a named invariant, not
 * an {@link IndexOutOfBoundsException}.
 */
final class Verifier {
    private final Talc talc;
    private final Chunks chunks;
    private final Gaps gaps;
    private final Heaps heaps;

    /** By gap id: listed in a bin; found in a heap. */
    private boolean[] listed = new boolean[0];
    private boolean[] found = new boolean[0];
    private long[] cachedChunks = new long[0];
    private boolean[] cachedFound = new boolean[0];

    Verifier(Talc talc) {
        this.talc = talc;
        this.chunks = talc.chunks();
        this.gaps = chunks.gaps;
        this.heaps = chunks.heaps;
    }

    void verify() {
        checkHeapList();
        checkBins();
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
            while (at > heapBase + SENTINEL) {
                long top = chunks.word(at - WORD);
                long base;
                if (Tag.isAllocated(top)) {
                    base = top & ADDRESS_MASK;
                    if (base < heapBase + SENTINEL || at - base < MIN_CHUNK || !granuleAligned(base)) {
                        throw fail("tag-valid", "tagOffset=" + hex(at - WORD) + " tag=" + hex(top) + " heap=" + heaps.span(h));
                    }
                    if ((top & (Tag.FLAG_MASK & ~(Tag.ALLOCATED | Tag.CACHED))) != 0) {
                        throw fail("tag-flags", "tagOffset=" + hex(at - WORD) + " tag=" + hex(top));
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
                    int id = Tag.gapId(top);
                    if (!Tag.isGapWord(top) || id < 1 || id > gaps.usedIds() || !listed[id]) {
                        throw fail("gap-listed", "gapAcme=" + hex(at) + " topWord=" + hex(top) + " heap=" + heaps.span(h));
                    }
                    base = gaps.base(id);
                    long size = gaps.size(id);
                    if (base + size != at || size < MIN_GAP || base < heapBase + SENTINEL || found[id]) {
                        throw fail("gap-record-matches", "gapAcme=" + hex(at) + " id=" + id + " recordBase=" + hex(base)
                                + " recordSize=" + size + " heap=" + heaps.span(h));
                    }
                    if (chunks.word(base) != top) {
                        throw fail("gap-words-equal", "gap=" + hex(base) + " lowWord=" + hex(chunks.word(base)) + " highWord=" + hex(top));
                    }
                    if (aboveIsGap) {
                        throw fail("no-adjacent-gaps", "gap=" + hex(base) + " gapAbove=" + hex(at));
                    }
                    found[id] = true;
                    gapCount++;
                    gapBytes += size;
                    aboveIsGap = true;
                }
                at = base;
            }
            long sentinel = chunks.word(heapBase + WORD);
            if (at != heapBase + SENTINEL || sentinel != (heapBase | Tag.ALLOCATED)) {
                throw fail("heap-tiled", "heap=" + heaps.span(h) + " walkEndedAt=" + hex(at) + " sentinel=" + hex(sentinel)
                        + " firstChunkIsGap=" + aboveIsGap);
            }
        }
        for (int id = 1; id < listed.length; id++) {
            if (listed[id] && !found[id]) {
                throw fail("listed-gap-in-heap", "id=" + id + " gap=" + hex(gaps.base(id)) + " size=" + gaps.size(id));
            }
        }
        for (int i = 0; i < cachedChunks.length; i++) {
            if (!cachedFound[i]) {
                throw fail("cached-chunk-in-heap", "chunk=" + hex(cachedChunks[i]));
            }
        }
        QuickBins quick = chunks.quick;
        if (cachedCount != quick.count() || cachedBytes != quick.bytes()) {
            throw fail("quick-bin-counters", "cachedChunks=" + cachedCount + " counted=" + quick.count()
                    + " cachedBytes=" + cachedBytes + " counted=" + quick.bytes());
        }
        checkCounters(liveChunks, chunkBytes, cachedBytes, gapCount + cachedCount, gapBytes + cachedBytes);
        if (talc.registry() != null) {
            checkRegistry(liveChunks);
        }
    }

    private void checkBins() {
        if (!gaps.summaryConsistent()) {
            throw fail("summary-matches-bitmap", "");
        }
        listed = new boolean[gaps.usedIds() + 1];
        found = new boolean[listed.length];
        long n = 0;
        for (int bin = 0; bin < Bins.COUNT; bin++) {
            int head = gaps.head(bin);
            if ((head != 0) != gaps.bitSet(bin)) {
                throw fail("bitmap-matches-bins", "bin=" + bin + " head=" + head + " bit=" + gaps.bitSet(bin));
            }
            int prev = 0;
            for (int id = head; id != 0; id = gaps.next(id)) {
                if (id < 0 || id >= listed.length || listed[id]) {
                    throw fail("gap-listed-once", "bin=" + bin + " id=" + id + " (a cycle, or in two lists?)");
                }
                listed[id] = true;
                if (gaps.prev(id) != prev) {
                    throw fail("list-linked", "bin=" + bin + " id=" + id + " prev=" + gaps.prev(id) + " expectedPrev=" + prev);
                }
                long base = gaps.base(id);
                long size = gaps.size(id);
                int heap = heaps.find(base);
                if (heap < 0 || base < heaps.base(heap) + SENTINEL || size > heaps.acme(heap) - base
                        || !granuleAligned(base) || !granuleAligned(base + size)) {
                    throw fail("listed-gap-in-heap", "bin=" + bin + " id=" + id + " gap=" + hex(base) + " size=" + size);
                }
                if (size < MIN_GAP || (size & (GRANULE - 1)) != 0 || Bins.bin(size) != bin) {
                    throw fail("gap-in-its-bin", "bin=" + bin + " id=" + id + " size=" + size);
                }
                n++;
                prev = id;
            }
        }
        int victim = gaps.victim();
        if (victim != 0) {
            long base = gaps.base(victim);
            int heap = victim < listed.length ? heaps.find(base) : -1;
            if (heap < 0 || listed[victim] || base < heaps.base(heap) + SENTINEL
                    || gaps.size(victim) >= heaps.acme(heap) - base || gaps.size(victim) < MIN_GAP
                    || gaps.size(victim) > Chunks.VICTIM_LIMIT) {
                throw fail("victim-valid", "id=" + victim + " gap=" + hex(base) + " size=" + gaps.size(victim)
                        + " alsoListed=" + (victim < listed.length && listed[victim]));
            }
            listed[victim] = true;
            n++;
        }
        if (n != gaps.count()) {
            throw fail("gap-count", "listed=" + n + " counted=" + gaps.count());
        }
    }

    /** Every quick-bin stack: chunks of the stack's size, in a heap, once, tagged CACHED. */
    private void checkQuickBins() {
        QuickBins quick = chunks.quick;
        long[] bases = new long[16];
        int n = 0;
        for (int list = 0; list < quick.lists(); list++) {
            long size = QuickBins.sizeOfList(list);
            if (quick.depth(list) > QuickBins.CAP || quick.depth(list) > 0 && size < MIN_CHUNK) {
                throw fail("quick-bin-count", "size=" + size + " depth=" + quick.depth(list));
            }
            for (int i = 0; i < quick.depth(list); i++) {
                long chunk = quick.chunk(list, i);
                int heap = heaps.find(chunk);
                if (heap < 0 || chunk < heaps.base(heap) + SENTINEL || chunk + size > heaps.acme(heap) || !granuleAligned(chunk)) {
                    throw fail("quick-bin-in-heap", "size=" + size + " chunk=" + hex(chunk));
                }
                long tag = chunks.word(chunk + size - WORD);
                if ((tag & (Tag.ALLOCATED | Tag.CACHED)) != (Tag.ALLOCATED | Tag.CACHED) || (tag & ADDRESS_MASK) != chunk) {
                    throw fail("quick-bin-tagged", "size=" + size + " chunk=" + hex(chunk) + " tag=" + hex(tag));
                }
                if (n == bases.length) {
                    bases = Arrays.copyOf(bases, n * 2);
                }
                bases[n++] = chunk;
            }
        }
        cachedChunks = Arrays.copyOf(bases, n);
        Arrays.sort(cachedChunks);
        for (int i = 1; i < n; i++) {
            if (cachedChunks[i] == cachedChunks[i - 1]) {
                throw fail("quick-bin-once", "chunk=" + hex(cachedChunks[i]));
            }
        }
        cachedFound = new boolean[n];
    }

    private void checkHeapList() {
        long memoryBytes = talc.memory().byteSize();
        for (int h = 0; h < heaps.count(); h++) {
            long base = heaps.base(h);
            long acme = heaps.acme(h);
            if (base < 0 || acme > memoryBytes || acme - base < MIN_HEAP || !granuleAligned(base) || !granuleAligned(acme)
                    || (h > 0 && heaps.acme(h - 1) > base)) {
                throw fail("heaps-sorted-disjoint-aligned", "heap=" + heaps.span(h) + " heaps=" + heaps.list());
            }
        }
    }

    private void checkCounters(long liveChunks, long chunkBytes, long cachedBytes, long gapCount, long gapBytes) {
        TalcStats stats = talc.counters();
        if (liveChunks != stats.allocationCount() || chunkBytes + cachedBytes != chunks.chunkBytes) {
            throw fail("live-counters", "chunks=" + liveChunks + " allocationCount=" + stats.allocationCount()
                    + " chunkBytes=" + (chunkBytes + cachedBytes) + " (cached " + cachedBytes + ") counted="
                    + chunks.chunkBytes);
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
        TalcStats stats = talc.counters();
        if (registry.count() != liveChunks || registry.totalBytes() != stats.allocatedBytes()) {
            throw fail("registry-counters", "registered=" + registry.count() + " chunks=" + liveChunks
                    + " registeredBytes=" + registry.totalBytes() + " allocatedBytes=" + stats.allocatedBytes());
        }
        registry.forEach((offset, byteSize) -> {
            long tagOffset = offset + Tag.chunkSize(byteSize) - WORD;
            int heap = heaps.find(offset);
            if (heap < 0 || offset < heaps.base(heap) + SENTINEL || tagOffset >= heaps.acme(heap)) {
                throw fail("registered-block-in-heap", "offset=" + hex(offset) + " byteSize=" + byteSize);
            }
            long tag = chunks.word(tagOffset);
            if (tag != (offset | Tag.ALLOCATED)) {
                throw fail("registered-block-tagged", "offset=" + hex(offset) + " byteSize=" + byteSize + " tag=" + hex(tag));
            }
            return 0;
        });
    }

    private boolean granuleAligned(long offset) {
        return ((chunks.addressBase + offset) & (GRANULE - 1)) == 0;
    }

    private static IllegalStateException fail(String invariant, String detail) {
        return Errors.invariant(invariant, detail);
    }

    private static String hex(long value) {
        return Errors.hex(value);
    }
}

package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.talc.Tag.ALLOCATED;
import static dev.talc.Tag.CACHED;
import static dev.talc.Tag.GRANULE;
import static dev.talc.Tag.WORD;

/**
 * The chunk layer under {@link Talc}: where a chunk is cut from, how a freed chunk merges with its
 * neighbours, and how a chunk grows or shrinks in place. {@code Talc} checks every call and keeps the
 * block-level counters (allocated bytes, allocation and free counts) and the checked-mode registry;
 * {@link HeapEditor} edits the heaps and {@link Verifier} checks them through this class.
 *
 * <h2>Design note</h2>
 * Chunks know nothing of blocks' sizes, only of chunk sizes ({@link Tag#chunkSize}), their layout
 * ({@link Tag}), the gaps' records ({@link Gaps}) and the quick bins ({@link QuickBins}). Where a chunk
 * comes from, in the order the hot path tries:
 * <ol>
 * <li>a cached chunk of exactly its size ({@link #takeCached}): one read and one write of its tag; above
 *     alignment 16, the most recently cached one at that alignment ({@link #takeCachedAligned});</li>
 * <li>for a small chunk, a gap of exactly its size, else a piece of the victim, else the smallest larger
 *     gap, which becomes the victim if it may ({@link #mayBeVictim}); for a large one, the best of the
 *     first gaps of its partly fitting bin, else the first gap of the first bin whose every gap fits
 *     ({@link #take}, {@link #takeAligned} for alignments above 16);</li>
 * <li>on the slow path, every gap of every partly fitting bin ({@link #takeAnyFit}).</li>
 * </ol>
 * A chunk is carved from the bottom of its gap, so the free space stays above the new block where a later
 * reallocation can grow in place. A freed chunk is cached if small and its stack has room
 * ({@link #free}), else merged with both free neighbours at once ({@link #release}).
 * Every method writes the memory before it changes a record, so a fault in the memory (a closed arena,
 * another thread's segment, a truncated mapped file) leaves the records as they were.
 * Alternatives: the hot paths as methods of {@code Talc} itself (one object, but one file of every
 * concept); a subclass holding them (no field hop either, but an inheritance that exists only to split a
 * file). This class is one more object per allocator and one more field load per call, which C2 hoists.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class Chunks {
    static final ValueLayout.OfLong WORD_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    final MemorySegment memory;
    /** {@code memory.address()}: alignment is of addresses, offsets are relative to this. */
    final long addressBase;
    final Gaps gaps = new Gaps();
    final QuickBins quick = new QuickBins();
    final Heaps heaps = new Heaps();
    /**
     * Bytes in allocated chunks, cached ones included (all that is not a gap), tags and slack included: the
     * quick bins' hot paths then leave it alone, and the bytes free for allocation are the gaps' and
     * {@link QuickBins#bytes()}.
     */
    long chunkBytes;
    /** With exactly one heap, its acme; else MIN_VALUE ({@link Talc#heapsChanged()} keeps it). */
    long soleHeapAcme = Long.MIN_VALUE;

    Chunks(MemorySegment memory) {
        this.memory = memory;
        this.addressBase = memory.address();
    }

    long word(long offset) {
        return memory.get(WORD_LAYOUT, offset);
    }

    void setWord(long offset, long value) {
        memory.set(WORD_LAYOUT, offset, value);
    }

    /**
     * Takes the most recently cached chunk of exactly {@code chunk} bytes (at most {@link QuickBins#LIMIT}),
     * alive again with its tag as a live block's, or returns -1 if there is none.
     */
    long takeCached(long chunk) {
        long offset = quick.peek(chunk);
        if (offset >= 0) {
            uncache(offset, chunk);
            quick.drop(chunk);
        }
        return offset;
    }

    /**
     * Writes the tag of the cached chunk {@code [base, base + chunk)} as a live block's. A cached tag is always
     * {@code base | ALLOCATED | CACHED} ({@code verify()} checks it), so the new tag is written without reading
     * the old one.
     */
    private void uncache(long base, long chunk) {
        setWord(base + chunk - WORD, base | ALLOCATED);
    }

    /**
     * Takes a cached chunk of exactly {@code chunk} bytes (at most {@link QuickBins#LIMIT}) whose address is a
     * multiple of {@code alignment} (above 16), alive again, or returns -1 if its stack holds none. A freed
     * chunk is 16-aligned, so one in two is 32-aligned, one in four 64-aligned: without this, every
     * request above alignment 16 went to the gaps, and to a padding gap cut from a cold one.
     */
    long takeCachedAligned(long chunk, long alignment) {
        int slot = quick.alignedSlot(chunk, addressBase, alignment);
        if (slot < 0) {
            return -1;
        }
        long offset = quick.at(slot);
        uncache(offset, chunk); // memory first: a fault leaves the chunk cached
        quick.remove(chunk, slot);
        return offset;
    }

    /**
     * Frees the allocated chunk of {@code chunk} bytes at {@code offset}, whose live tag is {@code tag}:
     * caches it if it is small and its stack has room, else merges it with its free neighbours. Returns
     * the size of the gap it became part of, or {@code Long.MAX_VALUE} if it was cached.
     */
    long free(long offset, long chunk, long tag) {
        if (chunk <= QuickBins.LIMIT && quick.hasRoom(chunk)) {
            setWord(offset + chunk - WORD, tag | CACHED);
            quick.push(offset, chunk);
            return Long.MAX_VALUE;
        }
        return release(offset, offset + chunk);
    }

    /**
     * The allocation path past the quick bins, for alignments up to 16; returns the new chunk's base, or -1.
     * A small chunk takes a gap of exactly its size, else a piece of the victim (see {@link Gaps}), else the
     * smallest larger gap, which becomes the victim if it may ({@link #mayBeVictim}). A large chunk takes the
     * best of the first gaps of its partly fitting bin, else the first gap of the first bin whose every gap
     * fits, else a piece of the victim.
     */
    long take(long chunk) {
        int id;
        if (chunk < Bins.LINEAR_LIMIT) {
            int bin = Bins.bin(chunk); // one size per bin here: a gap of it fits exactly
            id = gaps.head(bin);
            if (id == 0) {
                id = gaps.victim();
                if (id == 0 || gaps.size(id) < chunk) {
                    int larger = gaps.firstFrom(bin + 1);
                    if (larger < 0) {
                        return -1;
                    }
                    id = gaps.head(larger);
                    if (mayBeVictim(gaps.base(id) + gaps.size(id), gaps.size(id))) {
                        gaps.makeVictim(id);
                    }
                }
            }
        } else {
            id = bestInPartialBin(chunk, GRANULE);
            if (id == 0) {
                int bin = gaps.firstFrom(Bins.fitting(chunk));
                id = bin >= 0 ? gaps.head(bin) : gaps.victim();
                if (id == 0 || bin < 0 && gaps.size(id) < chunk) {
                    return -1;
                }
            }
        }
        return carve(id, chunk);
    }

    /**
     * Puts a block at the base of gap {@code id}, which must hold {@code chunk} bytes there. What stays
     * above the block keeps the gap's id and top word (so only its new base word is written); the chunk
     * below the gap now has an allocated chunk above it. Carving from the bottom leaves the free space
     * above the new block, where a later reallocation can grow in place.
     */
    private long carve(int id, long chunk) {
        long base = gaps.base(id);
        long rest = gaps.size(id) - chunk;
        long acme = base + chunk;
        if (rest > 0) {
            setWord(acme, Tag.gapWord(id)); // the rest keeps the gap's id and top word
        }
        setWord(acme - WORD, base | ALLOCATED);
        if (rest > 0) {
            gaps.reshape(id, acme, rest);
        } else {
            gaps.remove(id);
        }
        chunkBytes += chunk;
        return base;
    }

    /** Number of gaps of the partly fitting bin looked at (in Java arrays) before splitting a larger one. */
    private static final int PARTIAL_BIN_PROBES = 2;

    /**
     * Best fit among the first few gaps of the block's own, partly fitting, bin (sizes within 12.5% of
     * the request): using a near-exact gap instead of splitting a larger one keeps large gaps large.
     * Returns the gap's id, or 0.
     */
    private int bestInPartialBin(long chunk, long alignment) {
        int best = 0;
        long bestSize = Long.MAX_VALUE;
        int probes = PARTIAL_BIN_PROBES;
        for (int id = gaps.head(Bins.bin(chunk)); id != 0 && probes-- > 0; id = gaps.next(id)) {
            long size = gaps.size(id);
            if (size >= chunk && size < bestSize && fits(id, chunk, alignment)) {
                best = id;
                bestSize = size;
            }
        }
        return best;
    }

    /**
     * The allocation path for alignments above 16: the first bin whose every gap fits, padding included;
     * returns the new chunk's base, or -1.
     */
    long takeAligned(long chunk, long byteAlignment) {
        int id = chunk >= Bins.LINEAR_LIMIT ? bestInPartialBin(chunk, byteAlignment) : 0;
        if (id == 0) {
            int bin = gaps.firstFrom(Bins.fitting(chunk + byteAlignment - GRANULE));
            id = bin >= 0 ? gaps.head(bin) : gaps.victim();
            if (id == 0 || bin < 0 && !fits(id, chunk, byteAlignment)) {
                return -1;
            }
        }
        return carveAligned(id, chunk, byteAlignment);
    }

    /**
     * Puts a block at the first {@code byteAlignment}-aligned offset of gap {@code id}, which must fit
     * it. Padding below the block becomes a gap of its own, and so does what remains above it (keeping
     * the gap's id).
     */
    private long carveAligned(int id, long chunk, long byteAlignment) {
        long gapBase = gaps.base(id);
        long gapAcme = gapBase + gaps.size(id);
        long offset = alignUp(gapBase, byteAlignment);
        long acme = offset + chunk;
        long padding = offset - gapBase;
        long rest = gapAcme - acme;
        // The rest above keeps the gap's id; padding below gets the id if nothing rests, else a new one.
        int paddingId = rest > 0 ? gaps.nextId() : id;
        if (rest > 0) {
            setWord(acme, Tag.gapWord(id));
        }
        if (padding > 0) {
            writeGapWords(gapBase, padding, paddingId);
        }
        setWord(acme - WORD, offset | ALLOCATED);
        if (rest > 0) {
            gaps.reshape(id, acme, rest);
            if (padding > 0) {
                gaps.add(paddingId, gapBase, padding);
            }
        } else if (padding > 0) {
            gaps.reshape(id, gapBase, padding);
        } else {
            gaps.remove(id);
        }
        chunkBytes += chunk;
        return offset;
    }

    /** Writes gap {@code id}'s word at both ends of {@code [base, base + size)}. */
    void writeGapWords(long base, long size, int id) {
        long word = Tag.gapWord(id);
        setWord(base, word);
        setWord(base + size - WORD, word);
    }

    /**
     * Frees the allocated chunk {@code [base, acme)}, merging it with free neighbours; returns
     * the size of the gap it became part of.
     */
    long release(long base, long acme) {
        long below = word(base - WORD);
        int above = gapAt(acme);
        int id; // the gap this chunk becomes part of
        long gapBase;
        long gapAcme;
        if (above != 0) {
            gapAcme = acme + gaps.size(above);
            setWord(acme - WORD, 0); // the tag is now inside a gap: a second free must not find it
            if (Tag.isAllocated(below)) { // the gap above grows down over this chunk: its id and top stay
                id = above;
                gapBase = base;
                setWord(base, Tag.gapWord(above));
                gaps.reshape(above, base, gapAcme - base);
            } else { // the gap below swallows this chunk and the gap above
                id = Tag.gapId(below);
                gapBase = gaps.base(id);
                setWord(gapAcme - WORD, below);
                gaps.remove(above);
                gaps.reshape(id, gapBase, gapAcme - gapBase);
            }
        } else if (Tag.isAllocated(below)) {
            gapBase = base;
            gapAcme = acme;
            id = gaps.nextId();
            writeGapWords(base, acme - base, id); // the top word overwrites the tag
            gaps.add(id, base, acme - base);
        } else { // the gap below grows up over this chunk
            id = Tag.gapId(below);
            gapBase = gaps.base(id);
            gapAcme = acme;
            setWord(acme - WORD, below); // its top word overwrites the tag
            gaps.reshape(id, gapBase, acme - gapBase);
        }
        checkVictim(id, gapAcme); // a merge may have grown the victim past its limit (a new gap is never it)
        chunkBytes -= acme - base;
        return gapAcme - gapBase;
    }

    /** The largest gap that may be the victim, in bytes. */
    static final long VICTIM_LIMIT = 16 << 10;

    /**
     * Whether a gap ending at {@code gapAcme} of {@code size} bytes may be the victim: at most
     * {@link #VICTIM_LIMIT} bytes, and not its heap's top gap. Small requests carve the victim even when a
     * smaller gap would fit them, so a large victim is cut into pieces while smaller gaps sit unused: the top
     * gap (split last, as dlmalloc's "top") would make the heap grow like a bump allocator's, and a large
     * victim fragments what it could have served whole (both measured on the traces: docs/PERFORMANCE.md).
     * The victim exists to save a small gap's bin moves on every split (a gap of a few KiB changes bin every
     * few splits, a large one seldom), so the limit takes little of its gain. Invariant, checked by
     * {@code verify()}.
     */
    private boolean mayBeVictim(long gapAcme, long size) {
        return size <= VICTIM_LIMIT && gapAcme != heapAcmeAt(gapAcme - WORD);
    }

    /** Puts gap {@code id}, ending at {@code gapAcme}, back in its bin if it is the victim and has grown past what a victim may be. */
    private void checkVictim(int id, long gapAcme) {
        if (id == gaps.victim() && !mayBeVictim(gapAcme, gaps.size(id))) {
            gaps.relistVictim();
        }
    }

    /** The acme of the heap that holds {@code offset}, which must lie in one. */
    private long heapAcmeAt(long offset) {
        return soleHeapAcme != Long.MIN_VALUE ? soleHeapAcme : heaps.acme(heaps.find(offset));
    }

    /**
     * The id of the gap that starts at {@code at}, the acme of a chunk, or 0 if the chunk there is allocated or
     * the heap ends there. No flag says it: the word at {@code at} is that chunk's first, a gap word if it is a
     * gap and a block's first bytes if not, so a gap is confirmed by its record: a live gap whose base is
     * {@code at}. Whatever a block holds cannot pass, since no gap starts inside an allocated chunk.
     */
    int gapAt(long at) {
        if (at >= heapAcmeAt(at - 1)) {
            return 0;
        }
        long word = word(at);
        int id = Tag.gapId(word);
        return Tag.isGapWord(word) && gaps.startsAt(id, at) ? id : 0;
    }

    /** Grows the allocated chunk {@code [base, base + chunk)} in place to {@code newChunk}, if the gap above has room; returns whether it did. */
    boolean grow(long base, long chunk, long newChunk) {
        long acme = base + chunk;
        int above = gapAt(acme);
        if (above == 0) {
            return false;
        }
        long gapAcme = acme + gaps.size(above);
        long newAcme = base + newChunk;
        if (newAcme > gapAcme) {
            return false;
        }
        setWord(acme - WORD, 0); // the old tag is now block memory: a free with the old size must fail
        if (newAcme < gapAcme) {
            setWord(newAcme, Tag.gapWord(above));
        }
        setWord(newAcme - WORD, base | ALLOCATED);
        if (newAcme < gapAcme) {
            gaps.reshape(above, newAcme, gapAcme - newAcme);
        } else {
            gaps.remove(above);
        }
        chunkBytes += newChunk - chunk;
        return true;
    }

    /** Shrinks the allocated chunk {@code [base, base + chunk)} to {@code newChunk}, freeing the tail. */
    void shrink(long base, long chunk, long newChunk) {
        long acme = base + chunk;
        long newAcme = base + newChunk;
        int above = gapAt(acme);
        if (above != 0) {
            setWord(acme - WORD, 0); // the old tag is now inside the gap
            setWord(newAcme, Tag.gapWord(above));
            setWord(newAcme - WORD, base | ALLOCATED);
            long gapAcme = acme + gaps.size(above);
            gaps.reshape(above, newAcme, gapAcme - newAcme);
            checkVictim(above, gapAcme);
        } else {
            int id = gaps.nextId();
            writeGapWords(newAcme, acme - newAcme, id); // its top word overwrites the old tag
            setWord(newAcme - WORD, base | ALLOCATED);
            gaps.add(id, newAcme, acme - newAcme);
        }
        chunkBytes -= chunk - newChunk;
    }

    /**
     * Merges every chunk cached in the quick bins into the gaps, as ordinary frees would have. {@link Talc}
     * calls it (after giving back a parked arena slab) before an allocation may fail and before heaps are
     * truncated or measured, so cached chunks never strand memory.
     */
    void flushQuickBins() {
        if (quick.isEmpty()) {
            return;
        }
        for (int list = 0; list < quick.lists(); list++) {
            long chunk = QuickBins.sizeOfList(list);
            while (quick.depth(list) > 0) {
                long base = quick.peek(chunk);
                uncache(base, chunk);
                release(base, base + chunk); // memory first: a fault leaves the chunk cached
                quick.drop(chunk);
            }
        }
    }

    /** {@code offset} moved up to the next {@code alignment}-aligned address (alignment ≥ 16). */
    long alignUp(long offset, long alignment) {
        return ((addressBase + offset + alignment - 1) & -alignment) - addressBase;
    }

    /**
     * The slow path's search, after the quick bins were flushed: puts the victim back, then looks at every gap
     * that may fit, from the chunk's own bin up, and carves the first that does; -1 if none.
     */
    long takeAnyFit(long chunk, long alignment) {
        gaps.relistVictim();
        for (int bin = gaps.firstFrom(Bins.bin(chunk)); bin >= 0; bin = gaps.firstFrom(bin + 1)) {
            for (int id = gaps.head(bin); id != 0; id = gaps.next(id)) {
                if (fits(id, chunk, alignment)) {
                    return carveAligned(id, chunk, alignment);
                }
            }
        }
        return -1;
    }

    /** Whether a chunk of {@code chunk} bytes at the first {@code alignment}-aligned offset fits gap {@code id}. */
    private boolean fits(int id, long chunk, long alignment) {
        long base = gaps.base(id);
        return alignUp(base, alignment) + chunk <= base + gaps.size(id);
    }
}

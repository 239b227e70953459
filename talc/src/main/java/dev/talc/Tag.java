package dev.talc;

/**
 * The chunk layout: where every word of metadata sits, and how the tag word is encoded.
 *
 * <h2>Design note</h2>
 * Each heap is tiled, without holes, by chunks whose bounds are multiples of {@link #WORD}. A chunk
 * is either <em>allocated</em> (it holds one block) or a <em>gap</em> (free). The top word of every
 * chunk says which it is, so the chunk below any address is found in O(1): that is what makes
 * {@code free} coalesce in constant time, and lets {@code verify()} walk a heap from its acme down.
 * Only one word per allocation is metadata (the tag); gaps keep their metadata inside themselves.
 *
 * <pre>
 * heap      [S][ chunk ][ gap  ][ chunk ][ chunk ]...[ chunk or gap ]
 *            ^ heap.base: the sentinel S, a one-word allocated pseudo-chunk that never moves
 *              while the heap's base stays; its ABOVE_FREE bit says whether a gap follows it
 *
 * allocated chunk                                                    (chunk size >= MIN_CHUNK)
 *   base           ptr                         post                  acme-8    acme
 *   |-- padding ---|--- byteSize user bytes ---|-- slack --|  ....   |  TAG  |
 *                                              ^ post = align8(ptr + byteSize) holds the TAG when
 *                                                post == acme-8, else a TAG POINTER to acme-8
 *   TAG          = base | ALLOCATED | (ABOVE_FREE if the chunk at acme is a gap) | (CACHED if in a quick bin)
 *   TAG POINTER  = (acme - 8) | POINTER,  post &lt; acme - 8 &lt;= post + MAX_TAG_DISTANCE
 *
 * gap (free chunk), identified by its acme                           (size >= MIN_CHUNK)
 *   base+0   SIZE  the gap's size in bytes
 *   ...      (free bytes)
 *   acme-24  NEXT  acme of the next gap in the same bin, or NIL
 *   acme-16  PREV  acme of the previous gap in the same bin, or NIL for the bin's head
 *   acme-8   SIZE  again
 * </pre>
 *
 * <h2>Invariants (checked by {@code Talc.verify()})</h2>
 * <ul>
 * <li>low bits: live TAG &amp; 7 ∈ {1, 3}; cached TAG &amp; 7 ∈ {5, 7}; TAG POINTER &amp; 7 = 4; NEXT, PREV,
 *     SIZE &amp; 7 = 0 (gap acmes and sizes are multiples of 8). So the word at {@code post} of a freed block never decodes as a live tag: double
 *     frees are caught, whether the block went to a gap or to a quick bin.</li>
 * <li>no two gaps are adjacent: for every gap g, the chunk at g.acme is allocated (or g.acme = heap.acme),
 *     and the chunk below g.base is allocated (the sentinel counts as allocated).</li>
 * <li>TAG.ABOVE_FREE ⇔ the chunk at the tag's acme is a gap.</li>
 * <li>Σ chunk sizes + WORD = heap.acme − heap.base, for every heap.</li>
 * </ul>
 *
 * <p>All offsets are byte offsets into the allocator's memory segment. Gap acmes are never 0, so 0
 * serves as {@link #NIL}.
 */
final class Tag {
    /** Bytes in one word of metadata; every chunk bound is a multiple of it. */
    static final long WORD = 8;
    /** Mask that clears the low bits of a word-aligned offset: {@code x & ADDRESS_MASK}. */
    static final long ADDRESS_MASK = -WORD;
    /** Tag bit: the chunk is allocated. Gap metadata and tag pointers never have it. */
    static final long ALLOCATED = 1;
    /** Tag bit: the chunk directly above this one is a gap. */
    static final long ABOVE_FREE = 2;
    /** Low bits of a tag pointer (the word at {@code post} when the tag sits higher). */
    static final long POINTER = 4;
    /**
     * Tag bit, only together with {@link #ALLOCATED}: the chunk's block was freed into the
     * {@link QuickBins quick bins}. Neighbours still see an allocated chunk; frees see a dead block.
     */
    static final long CACHED = 4;
    /** A live block's tag has exactly {@code ALLOCATED} of these two bits. */
    static final long LIVE_MASK = ALLOCATED | CACHED;
    /** Mask of the three flag bits. */
    static final long FLAG_MASK = WORD - 1;

    /** The smallest chunk: a gap needs its two SIZE words, NEXT and PREV. */
    static final long MIN_CHUNK = 4 * WORD;
    /** The smallest heap: the sentinel plus one minimal gap. */
    static final long MIN_HEAP = WORD + MIN_CHUNK;
    /**
     * The furthest the tag may sit above {@code post}: the chunk is stretched to {@link #MIN_CHUNK}
     * (tag at base + 24 ≥ post) and a remainder too small to be a gap (≤ 24 bytes) is absorbed.
     */
    static final long MAX_TAG_DISTANCE = 2 * (MIN_CHUNK - WORD);

    /** Gap list terminator. */
    static final long NIL = 0;

    /** Offset of a gap's low SIZE word from its base. */
    static final long LOW_SIZE_OFFSET = 0;
    /** Offset of a gap's NEXT word from its acme. */
    static final long NEXT_FROM_ACME = -3 * WORD;
    /** Offset of a gap's PREV word from its acme. */
    static final long PREV_FROM_ACME = -2 * WORD;
    /** Offset of a gap's high SIZE word from its acme. */
    static final long HIGH_SIZE_FROM_ACME = -WORD;

    private Tag() {}

    /** The chunk base stored in a tag. */
    static long base(long tag) {
        return tag & ADDRESS_MASK;
    }

    static boolean isAllocated(long word) {
        return (word & ALLOCATED) != 0;
    }

    static boolean isAboveFree(long tag) {
        return (tag & ABOVE_FREE) != 0;
    }

    static boolean isPointer(long word) {
        return (word & FLAG_MASK) == POINTER;
    }

    /** {@code x} rounded up to a whole word. */
    static long alignUp(long x) {
        return (x + (WORD - 1)) & ADDRESS_MASK;
    }
}

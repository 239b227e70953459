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
 *   TAG          = base | ALLOCATED | (ABOVE_FREE if the chunk at acme is a gap)
 *   TAG POINTER  = (acme - 8) | POINTER,  post &lt; acme - 8 &lt;= post + MAX_TAG_DISTANCE
 *
 * gap (free chunk)                                                   (size >= MIN_CHUNK)
 *   base+0   NEXT  offset of the next gap in the same bin, or NIL
 *   base+8   PREV  offset of the previous gap in the same bin, or NIL for the bin's head
 *   base+16  SIZE  the gap's size in bytes
 *   acme-8   SIZE  again (the same word as base+16 when size == MIN_CHUNK)
 * </pre>
 *
 * <h2>Invariants (checked by {@code Talc.verify()})</h2>
 * <ul>
 * <li>low bits: TAG &amp; 7 ∈ {1, 3}; TAG POINTER &amp; 7 = 4; NEXT, PREV, SIZE &amp; 7 = 0. So the
 *     word at {@code post} of a freed block never decodes as a live tag: double frees are caught.</li>
 * <li>no two gaps are adjacent: for every gap g, the chunk at g.acme is allocated (or g.acme = heap.acme),
 *     and the chunk below g.base is allocated (the sentinel counts as allocated).</li>
 * <li>TAG.ABOVE_FREE ⇔ the chunk at the tag's acme is a gap.</li>
 * <li>Σ chunk sizes + WORD = heap.acme − heap.base, for every heap.</li>
 * </ul>
 *
 * <p>All offsets are byte offsets into the allocator's memory segment. Gap bases are never 0 (the
 * sentinel precedes every gap), so 0 serves as {@link #NIL}.
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
    /** Mask of the three flag bits. */
    static final long FLAG_MASK = WORD - 1;

    /** The smallest chunk: a gap needs NEXT, PREV and SIZE (its top SIZE may share the third word). */
    static final long MIN_CHUNK = 3 * WORD;
    /** The smallest heap: the sentinel plus one minimal gap. */
    static final long MIN_HEAP = WORD + MIN_CHUNK;
    /**
     * The furthest the tag may sit above {@code post}: the chunk is stretched to {@link #MIN_CHUNK}
     * (tag at base+16 ≥ post) and a remainder too small to be a gap (≤ 16 bytes) is absorbed.
     */
    static final long MAX_TAG_DISTANCE = 2 * (MIN_CHUNK - WORD);

    /** Gap list terminator. */
    static final long NIL = 0;

    /** Offset of a gap's NEXT word from its base. */
    static final long NEXT_OFFSET = 0;
    /** Offset of a gap's PREV word from its base. */
    static final long PREV_OFFSET = 8;
    /** Offset of a gap's low SIZE word from its base. */
    static final long SIZE_OFFSET = 16;

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

package dev.talc;

/**
 * The chunk layout: where every word of metadata sits in the allocator's memory, and how it is encoded.
 *
 * <h2>Design note</h2>
 * Each heap is tiled, without holes, by chunks whose bounds are multiples of a {@link #GRANULE} of 16
 * bytes (of the address, so that every block is 16-aligned as malloc's are: FFM struct layouts and C
 * callers rely on it, and a chunk freed at one alignment can serve any request of alignment ≤ 16). A
 * chunk is either <em>allocated</em> (it holds one block) or a <em>gap</em> (free). The top word of
 * every chunk says which it is, so the chunk below any chunk is found in O(1): that is what makes
 * {@code free} coalesce in constant time, and lets {@code verify()} walk a heap from its acme down.
 *
 * <p>Only the boundary words live in the memory. Everything else about a gap (its bounds, its bin, its
 * list links) lives in Java arrays ({@link Gaps}), indexed by the gap's <em>id</em>, which both of its
 * boundary words hold: so keeping the free lists costs no access to the memory (each one pays the FFM
 * bounds and liveness checks, and would touch the cache lines of other gaps), and when one end of a gap
 * moves only the word at that end is written.
 *
 * <pre>
 * heap      [ S ][ chunk ][ gap ][ chunk ][ chunk ]...[ chunk or gap ]
 *            ^ heap.base: the sentinel S, a 16-byte allocated pseudo-chunk whose TAG (at base + 8) never
 *              moves while the heap's base stays
 *
 * allocated chunk, exactly chunkSize(byteSize) = max(32, roundUp16(byteSize + 8)) bytes
 *   base = the block's offset                                   acme-8    acme
 *   |------------- byteSize user bytes -------------|-- slack --|  TAG  |
 *   TAG = base | ALLOCATED | (CACHED if in a quick bin)
 *
 * gap (free chunk), any multiple of 16 bytes                    acme-8    acme
 *   | GAP WORD |   ... free bytes, never read ...               | GAP WORD |
 *   GAP WORD = id &lt;&lt; 4 | GAP_MARK, at base and at acme - 8 (the same pair of words for a 16-byte gap)
 * </pre>
 *
 * Because an allocated chunk is always exactly {@code chunkSize(byteSize)} bytes and starts at its block,
 * a free of {@code (offset, byteSize)} finds the tag at {@code offset + chunkSize(byteSize) - 8} with one
 * read, and accepts the call only if that word is {@code offset | ALLOCATED}: a gap word, a cached tag, a
 * tag of another chunk or stale bytes are rejected. Alignment
 * padding below an aligned block becomes a gap of its own (every multiple of 16 can be one); a remainder
 * above it too.
 *
 * <p>Whether the chunk above a chunk is a gap is read, not flagged: the word at the chunk's acme is the next
 * chunk's first, a gap word if it is a gap and a block's first bytes if not, and a gap is confirmed by its
 * record ({@code Gaps.startsAt}: a live gap with that base). Nothing a block holds can pass that test, since no
 * gap starts inside an allocated chunk. (Rust Talc keeps an "above free" bit in each tag instead; keeping it
 * right cost every split a read and a write of the tag below the new block, on a line no one else touches.)
 * The chunk below is known from the word below the chunk: a tag (odd) or a gap word (even).
 *
 * <h2>Invariants (checked by {@code Talc.verify()})</h2>
 * <ul>
 * <li>low bits: live TAG &amp; 7 = 1; cached TAG &amp; 7 = 5; GAP WORD &amp; 15 = GAP_MARK. So no word that
 *     a gap leaves in memory decodes as a live tag, and a freed block's tag is overwritten by a gap word,
 *     cleared, or marked CACHED: double frees are always caught.</li>
 * <li>granules: heap bounds and chunk bounds are at addresses ≡ 0 (mod 16); chunk sizes ≥ 32 for
 *     allocated chunks, ≥ 16 for gaps.</li>
 * <li>no two gaps are adjacent.</li>
 * <li>for every gap: its two boundary words are its gap word, and its record in {@link Gaps} has its
 *     bounds; Σ chunk sizes + 16 = heap.acme − heap.base, for every heap.</li>
 * </ul>
 *
 * <p>All offsets are byte offsets into the allocator's memory segment.
 */
final class Tag {
    /** Bytes in one word of metadata. */
    static final long WORD = 8;
    /** Every chunk bound is a multiple of this (in address terms), and so is every chunk size. */
    static final long GRANULE = 16;
    /**
     * Mask of the chunk base in a tag: {@code tag & ADDRESS_MASK}. Chunk bases are granules of the
     * address, so as offsets they are multiples of 8 (of 16 when the memory's address is), which leaves
     * three low bits for flags.
     */
    static final long ADDRESS_MASK = -WORD;
    /** Tag bit: the chunk is allocated. Gap words never have it. */
    static final long ALLOCATED = 1;
    /**
     * Tag bit: the chunk's block was freed into the {@link QuickBins quick bins}. Neighbours still see an
     * allocated chunk; frees see a dead block.
     */
    static final long CACHED = 4;
    /** Mask of the three flag bits of a tag. */
    static final long FLAG_MASK = WORD - 1;
    /** Low four bits of a gap word ({@code id << 4 | GAP_MARK}): its ALLOCATED and CACHED bits are 0. */
    static final long GAP_MARK = 8;

    /** The smallest allocated chunk: a block of up to 24 bytes and its tag. */
    static final long MIN_CHUNK = 2 * GRANULE;
    /** The smallest gap: its two boundary words. */
    static final long MIN_GAP = GRANULE;
    /** The sentinel at each heap's base. */
    static final long SENTINEL = GRANULE;
    /** The smallest heap: the sentinel plus one minimal chunk. */
    static final long MIN_HEAP = SENTINEL + MIN_CHUNK;

    private Tag() {}

    /** The chunk base stored in a tag. */
    static long base(long tag) {
        return tag & ADDRESS_MASK;
    }

    static boolean isAllocated(long word) {
        return (word & ALLOCATED) != 0;
    }

    /** Whether {@code word} is a well-formed gap word. */
    static boolean isGapWord(long word) {
        return (word & (GRANULE - 1)) == GAP_MARK && word > 0;
    }

    /** The gap word of the gap with id {@code id}. */
    static long gapWord(int id) {
        return (long) id << 4 | GAP_MARK;
    }

    /** The gap id in a gap word. */
    static int gapId(long gapWord) {
        return (int) (gapWord >>> 4);
    }

    /** The chunk a block of {@code byteSize} bytes occupies: its bytes and its tag, in whole granules. */
    static long chunkSize(long byteSize) {
        return Math.max((byteSize + (WORD + GRANULE - 1)) & -GRANULE, MIN_CHUNK);
    }
}

package dev.talc;

/**
 * The classes of misuse DESIGN §4 names, and whether the allocator promises to reject them in its
 * default mode too ({@link #alwaysRejected}); checked mode promises to reject every class.
 * The table in {@code talc/MISUSE.md} lists the same classes with the tests that prove them.
 */
enum MisuseClass {
    DOUBLE_FREE("double free, block in a gap of its own", true),
    DOUBLE_FREE_COALESCED("double free after coalescing with a neighbour", true),
    DOUBLE_FREE_QUICK_BIN("double free of a block cached in a quick bin", true),
    FREED_BLOCK_RESIZED("realloc/grow/shrink of a freed block", true),
    OUTSIDE_HEAPS("offset outside every heap, or block ending past its heap", true),
    RELEASED_HEAP("offset in a released (truncated) heap", true),
    FOREIGN_SEGMENT("segment of another arena/array, or beside the memory", true),
    BAD_SPAN("claim/extend/truncate: span outside memory, overlapping, not a heap", true),
    BAD_ARGUMENT("negative size, bad alignment, bad new size", true),
    RANDOM_OFFSET("random offset inside a heap", false),
    INTERIOR_POINTER("interior pointer of a live block", false),
    WRONG_SIZE("live block, wrong size", false),
    STALE_BLOCK("freed block whose memory was handed out again", false);

    /** What the class is, for tables. */
    final String description;
    /** Whether default mode must reject it too (cheap to detect); checked mode rejects every class. */
    final boolean alwaysRejected;

    MisuseClass(String description, boolean alwaysRejected) {
        this.description = description;
        this.alwaysRejected = alwaysRejected;
    }

    /** Whether a call of this class must be rejected in the given mode. */
    boolean mustBeRejected(boolean checked) {
        return checked || alwaysRejected;
    }
}

package dev.talc.bench.trace;

import java.util.List;

/**
 * The binary format of a malloc trace, as the LD_PRELOAD recorder ({@code talc-bench/traces/recorder/malloc_trace.c})
 * writes it: constants and the byte-level helpers the reader and the writer share.
 *
 * <p>Design note: a stream of small events, one total order, no pointers. Each live pointer is a block id
 * (ids are reused, most recently freed first, so they stay below the peak live block count and index plain
 * arrays); integers are LEB128 varints and ids are deltas from the previous event's id, so a typical event is
 * 3-4 bytes and compresses well with xz. Alternatives: a text format (glibc's mtrace: 5x larger, slow to parse,
 * pointers instead of ids); fixed-width records (simpler, twice as large before compression).
 *
 * <h2>Format</h2>
 * <pre>
 *   magic    8 bytes "TALCTRC1"
 *   version  varint, 1
 *   events   until END; each:
 *     head     1 byte: bits 0-3 the op, bit 4 set = the thread changed (a varint thread index follows),
 *              bits 5-7 zero
 *     [thread] varint: 0 for the first thread that called, 1 for the next new one, ...
 *     id       varint zigzag(id - id of the previous event; 0 before the first event),
 *              zigzag(n) = (n &lt;&lt; 1) ^ (n &gt;&gt; 63)
 *     size     varint bytes, for every op but FREE: the requested size (calloc and reallocarray: nmemb * size;
 *              pvalloc: rounded up to a page)
 *     align    varint log2(alignment), for ops 4-8 only (a power of two; valloc and pvalloc: the page size)
 *   END      head 0x0F, then a varint: the number of events before it; nothing may follow
 * </pre>
 * Ops: 0 malloc, 1 calloc, 2 realloc (the block keeps its id), 3 free, 4 posix_memalign, 5 aligned_alloc,
 * 6 memalign, 7 valloc, 8 pvalloc, 15 END. An allocating op (0, 1, 4-8) names an id that is not live; realloc and
 * free name a live id. A varint is at most 10 bytes. A file without END was cut short; the reader rejects it.
 */
public final class TraceFormat {

    private TraceFormat() {
    }

    /** The first 8 bytes of every trace. */
    public static final byte[] MAGIC = {'T', 'A', 'L', 'C', 'T', 'R', 'C', '1'};
    /** The only version so far. */
    public static final int VERSION = 1;

    /** malloc(size). */
    public static final int MALLOC = 0;
    /** calloc(nmemb, size), recorded as size = nmemb * size. */
    public static final int CALLOC = 1;
    /** realloc(p, size) with p live and size &gt; 0 (and reallocarray). */
    public static final int REALLOC = 2;
    /** free(p), and realloc(p, 0) (glibc frees). */
    public static final int FREE = 3;
    /** posix_memalign(&amp;p, align, size). */
    public static final int POSIX_MEMALIGN = 4;
    /** aligned_alloc(align, size). */
    public static final int ALIGNED_ALLOC = 5;
    /** memalign(align, size). */
    public static final int MEMALIGN = 6;
    /** valloc(size): page-aligned. */
    public static final int VALLOC = 7;
    /** pvalloc(size): page-aligned, size rounded up to a page. */
    public static final int PVALLOC = 8;
    /** The end marker. */
    public static final int END = 15;
    /** Bit of the head byte: a thread index follows. */
    public static final int THREAD_CHANGED = 0x10;

    /** Names of the ops 0-8, for statistics. */
    public static final List<String> OP_NAMES = List.of("malloc", "calloc", "realloc", "free", "posix_memalign",
            "aligned_alloc", "memalign", "valloc", "pvalloc");

    /** Whether op carries an alignment field (the memalign family). */
    public static boolean isAligned(int op) {
        return op >= POSIX_MEMALIGN && op <= PVALLOC;
    }

    /** Whether op makes a new block. */
    public static boolean isAllocation(int op) {
        return op == MALLOC || op == CALLOC || isAligned(op);
    }

    static long zigzag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }
}

package dev.talc.bench.trace;

/**
 * One decoded trace, ready to replay: the events as parallel primitive arrays (decoded once, outside any timed
 * code), and what the replayer and the statistics need to know about it.
 *
 * <p>Design note: parallel arrays (op, id, size, alignment) rather than event objects, so the replay loop reads
 * four arrays in order and allocates nothing. The replay alignment is precomputed per event: 16 (malloc's
 * alignment on x86-64 and AArch64, which every C caller may rely on) for malloc, calloc and realloc, and
 * {@code max(align, 16)} for the memalign family.
 *
 * @param name           the trace's name (file name without {@code .mtrace[.xz]})
 * @param ops            the recorded op of each event ({@link TraceFormat#MALLOC} ... {@link TraceFormat#PVALLOC})
 * @param ids            the block id of each event, in {@code [0, slots)}
 * @param sizes          the requested size of each event (0 for a free)
 * @param alignLogs      log2 of the alignment to replay the event with (at least 4); for realloc and free, that
 *                       of the block's allocation
 * @param threads        the thread index of each event (0 = the first thread that called)
 * @param slots          one more than the largest id
 * @param liveAtEnd      ids still live after the last event (the replayer frees them, untimed)
 * @param peakLiveBytes  the largest sum of requested sizes of live blocks after any event
 * @param peakLiveEvent  the index of the first event after which live bytes are at their peak
 * @param threadCount    threads that called
 */
public record Trace(String name, byte[] ops, int[] ids, long[] sizes, byte[] alignLogs, int[] threads, int slots,
                    int[] liveAtEnd, long peakLiveBytes, int peakLiveEvent, int threadCount) {

    /** The alignment every replayed request gets at least: malloc's (glibc on x86-64 and AArch64). */
    public static final int MALLOC_ALIGN_LOG = 4;

    /** The number of events. */
    public int events() {
        return ops.length;
    }
}

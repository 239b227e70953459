package dev.talc.bench.trace;

import java.util.Locale;

import dev.talc.bench.alloc.BenchAllocator;

/**
 * Replays a {@link Trace} against a {@link BenchAllocator}: every event, in recorded order, on the calling thread,
 * with canary bytes at both ends of every block.
 *
 * <p>Design note. Each event becomes one call: malloc → {@code allocate(size, 16)}; the memalign family →
 * {@code allocate(size, max(align, 16))}; calloc → {@code calloc(size, 16)} (the peer's own calloc where it has
 * one, else allocate + zero fill: {@link BenchAllocator#calloc}); realloc → {@code reallocate} (a block keeps the
 * alignment it was allocated with, which C's realloc would only promise up to 16); free → {@code free}. A block of
 * size 0 is requested as size 0 (every peer here returns a distinct block) and has no canaries; a block of one
 * byte has only the first. Canaries: right after each allocation or reallocation the replayer writes a byte
 * derived from the block id at the block's first and last byte; before each free or realloc it checks both, after
 * a realloc it checks that the first byte moved with the contents, and after a calloc that both ends read 0. A
 * broken canary throws {@link IllegalStateException} naming the trace, the event, the block and the allocator.
 * The loop allocates no Java objects: the per-block state is two primitive arrays indexed by block id.
 *
 * <p>Two kinds of pass: {@link #timedPass} (the events between two clock reads; the blocks a trace leaves live
 * are freed afterwards, untimed) and {@link #footprintPass} (untimed, one event at a time, measuring what the
 * allocator's memory grows to). Alternatives: timing each event (the clock costs more than many events do);
 * replaying each thread's events on its own thread (the recorded order is then lost, and with it the
 * reproducibility).
 */
public final class Replayer {

    private Replayer() {
    }

    /** The per-block state of a replay, sized for one trace and reused across its passes. */
    public static final class Blocks {
        final long[] handles;
        final long[] sizes;
        final byte[] alignLogs;

        /** State for a trace with {@code slots} block ids. */
        public Blocks(int slots) {
            handles = new long[slots];
            sizes = new long[slots];
            alignLogs = new byte[slots];
        }
    }

    /**
     * What a footprint pass saw.
     *
     * @param extentBytes      highest block end minus lowest block start over every block of the pass
     * @param sampledPeakBytes the largest {@link BenchAllocator#footprintBytes()} reading during the pass minus the
     *                         reading before it, or -1 when the allocator gives none
     * @param samples          readings taken
     */
    public record Footprint(long extentBytes, long sampledPeakBytes, int samples) {
    }

    /**
     * Replays every event of {@code t} between two clock reads, then frees what the trace leaves live (untimed).
     *
     * @return the nanoseconds the events took
     * @throws IllegalStateException on a broken canary or a failed allocation
     */
    public static long timedPass(BenchAllocator a, Trace t, Blocks b) {
        long start = System.nanoTime();
        replay(a, t, b, 0, t.events());
        long elapsed = System.nanoTime() - start;
        freeLive(a, t, b);
        return elapsed;
    }

    /**
     * Replays every event one at a time, untimed, tracking the span of addresses the blocks occupy and, every
     * {@code sampleEvery} events and right after the event at which the trace's live bytes peak, the allocator's
     * {@link BenchAllocator#footprintBytes()} (after {@link BenchAllocator#prepareFootprint()} and a first reading
     * before the first event). Frees what the trace leaves live at the end.
     */
    public static Footprint footprintPass(BenchAllocator a, Trace t, Blocks b, int sampleEvery) {
        a.prepareFootprint();
        long baseline = a.footprintBytes();
        long peak = baseline;
        int samples = 0;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        byte[] ops = t.ops();
        int[] ids = t.ids();
        for (int i = 0; i < t.events(); i++) {
            replay(a, t, b, i, i + 1);
            if (ops[i] != TraceFormat.FREE) {
                int id = ids[i];
                long address = a.address(b.handles[id]);
                if (address != -1) {
                    lo = Math.min(lo, address);
                    hi = Math.max(hi, address + b.sizes[id]);
                }
            }
            if (baseline >= 0 && ((i + 1) % sampleEvery == 0 || i == t.peakLiveEvent() || i == t.events() - 1)) {
                peak = Math.max(peak, a.footprintBytes());
                samples++;
            }
        }
        freeLive(a, t, b);
        return new Footprint(hi >= lo ? hi - lo : 0, baseline >= 0 ? peak - baseline : -1, samples);
    }

    /** Replays events {@code [from, to)}. */
    static void replay(BenchAllocator a, Trace t, Blocks b, int from, int to) {
        byte[] ops = t.ops();
        int[] ids = t.ids();
        long[] sizes = t.sizes();
        byte[] alignLogs = t.alignLogs();
        long[] handles = b.handles;
        long[] blockSizes = b.sizes;
        byte[] blockAligns = b.alignLogs;
        for (int i = from; i < to; i++) {
            int id = ids[i];
            int op = ops[i];
            if (op == TraceFormat.FREE) {
                long h = handles[id];
                long size = blockSizes[id];
                checkCanaries(a, t, i, op, id, h, size);
                a.free(h, size, 1L << blockAligns[id]);
            } else if (op == TraceFormat.REALLOC) {
                long h = handles[id];
                long oldSize = blockSizes[id];
                long size = sizes[i];
                checkCanaries(a, t, i, op, id, h, oldSize);
                long moved = a.reallocate(h, oldSize, 1L << blockAligns[id], size);
                if (moved == BenchAllocator.FAILED) {
                    throw outOfMemory(a, t, i, op, size);
                }
                if (oldSize > 0 && size > 0) {
                    byte first = a.peek(moved, 0);
                    if (first != head(id)) {
                        throw broken(a, t, i, op, id, size, "first (after the realloc: contents not kept)", 0, head(id),
                                first);
                    }
                } else if (size > 0) {
                    a.touch(moved, 0, head(id));
                }
                if (size > 1) {
                    a.touch(moved, size - 1, tail(id));
                }
                handles[id] = moved;
                blockSizes[id] = size;
            } else {
                long size = sizes[i];
                long align = 1L << alignLogs[i];
                long h = op == TraceFormat.CALLOC ? a.calloc(size, align) : a.allocate(size, align);
                if (h == BenchAllocator.FAILED) {
                    throw outOfMemory(a, t, i, op, size);
                }
                if (op == TraceFormat.CALLOC && size > 0) {
                    checkZero(a, t, i, op, id, h, size);
                }
                if (size > 0) {
                    a.touch(h, 0, head(id));
                    if (size > 1) {
                        a.touch(h, size - 1, tail(id));
                    }
                }
                handles[id] = h;
                blockSizes[id] = size;
                blockAligns[id] = alignLogs[i];
            }
        }
    }

    /** Frees the blocks the trace leaves live, checking their canaries. */
    static void freeLive(BenchAllocator a, Trace t, Blocks b) {
        int end = t.events();
        for (int id : t.liveAtEnd()) {
            long size = b.sizes[id];
            checkCanaries(a, t, end, TraceFormat.FREE, id, b.handles[id], size);
            a.free(b.handles[id], size, 1L << b.alignLogs[id]);
        }
    }

    /** The canary of a block's first byte: odd, so never what zeroed memory reads. */
    static byte head(int id) {
        return (byte) ((((id + 1) * 0x9E3779B9) >>> 24) | 1);
    }

    /** The canary of a block's last byte. */
    static byte tail(int id) {
        return (byte) ((((id + 1) * 0x9E3779B9) >>> 16) | 1);
    }

    private static void checkCanaries(BenchAllocator a, Trace t, int event, int op, int id, long h, long size) {
        if (size > 0) {
            byte first = a.peek(h, 0);
            if (first != head(id)) {
                throw broken(a, t, event, op, id, size, "first", 0, head(id), first);
            }
            if (size > 1) {
                byte last = a.peek(h, size - 1);
                if (last != tail(id)) {
                    throw broken(a, t, event, op, id, size, "last", size - 1, tail(id), last);
                }
            }
        }
    }

    private static void checkZero(BenchAllocator a, Trace t, int event, int op, int id, long h, long size) {
        byte first = a.peek(h, 0);
        byte last = a.peek(h, size - 1);
        if (first != 0 || last != 0) {
            throw broken(a, t, event, op, id, size, "calloc'd (not zeroed)", first != 0 ? 0 : size - 1, (byte) 0,
                    first != 0 ? first : last);
        }
    }

    private static IllegalStateException broken(BenchAllocator a, Trace t, int event, int op, int id, long size,
                                                String end, long offset, byte expected, byte found) {
        return new IllegalStateException(String.format(Locale.ROOT, "canary broken: trace=%s event=%d op=%s id=%d"
                        + " size=%d byte=%s offset=%d expected=0x%02x found=0x%02x allocator=%s", t.name(), event,
                opName(op), id, size, end, offset, expected & 0xFF, found & 0xFF, a.name()));
    }

    private static IllegalStateException outOfMemory(BenchAllocator a, Trace t, int event, int op, long size) {
        return new IllegalStateException(String.format(Locale.ROOT, "out of memory: trace=%s event=%d op=%s size=%d"
                + " allocator=%s arenaBytes=%d", t.name(), event, opName(op), size, a.name(), a.arenaBytes()));
    }

    private static String opName(int op) {
        return op < TraceFormat.OP_NAMES.size() ? TraceFormat.OP_NAMES.get(op) : "end (freeing what is left live)";
    }
}

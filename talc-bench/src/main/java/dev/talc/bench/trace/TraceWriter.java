package dev.talc.bench.trace;

import java.io.ByteArrayOutputStream;

/**
 * Writes a trace in {@link TraceFormat}, as the C recorder does: for synthetic traces in tests, and to check that
 * reader and recorder agree byte for byte on the format.
 *
 * <p>Design note: the writer checks nothing (a test may want a bad trace); the reader does. Ids are given by the
 * caller.
 */
public final class TraceWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int lastThread = -1;
    private long lastId;
    private long events;

    /** Starts a trace: magic and version. */
    public TraceWriter() {
        out.writeBytes(TraceFormat.MAGIC);
        varint(TraceFormat.VERSION);
    }

    /** malloc, calloc or realloc (op 0-2) of {@code size} bytes on thread 0. */
    public TraceWriter event(int op, int id, long size) {
        return event(op, id, size, 0, 0);
    }

    /** A free on thread 0. */
    public TraceWriter free(int id) {
        return event(TraceFormat.FREE, id, 0, 0, 0);
    }

    /**
     * Any event.
     *
     * @param alignLog log2 of the alignment, written for ops 4-8 only
     */
    public TraceWriter event(int op, int id, long size, int alignLog, int thread) {
        if (thread != lastThread) {
            out.write(op | TraceFormat.THREAD_CHANGED);
            varint(thread);
            lastThread = thread;
        } else {
            out.write(op);
        }
        varint(TraceFormat.zigzag(id - lastId));
        lastId = id;
        if (op != TraceFormat.FREE) {
            varint(size);
        }
        if (TraceFormat.isAligned(op)) {
            varint(alignLog);
        }
        events++;
        return this;
    }

    /** Ends the trace (END and the event count) and returns its bytes. */
    public byte[] finish() {
        out.write(TraceFormat.END);
        varint(events);
        return out.toByteArray();
    }

    /** The bytes so far, without END (a cut-short trace). */
    public byte[] unfinished() {
        return out.toByteArray();
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}

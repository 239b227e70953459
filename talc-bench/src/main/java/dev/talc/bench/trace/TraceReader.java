package dev.talc.bench.trace;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.tukaani.xz.XZInputStream;

/**
 * Decodes a trace ({@link TraceFormat}) into a {@link Trace}, checking it as it goes: a malformed or inconsistent
 * trace (bad magic, unknown op, a free of an id that is not live, a truncated stream, a wrong event count at END)
 * is rejected with an {@link IllegalArgumentException} whose message names the trace, the event index and the
 * byte offset ({@code key=value}).
 *
 * <p>Design note: one pass over the bytes into growable primitive arrays, with the live set kept as per-id
 * sizes, so peak live bytes and the ids live at the end come out of the same pass. An xz stream (the committed
 * traces) is recognised by its magic and decompressed on the fly (org.tukaani:xz); a raw recorder file is read
 * as it is.
 */
public final class TraceReader {

    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};

    private final String name;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long offset; // bytes consumed before buffer[0]

    private TraceReader(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /**
     * Reads a whole trace, raw or xz-compressed; does not close {@code stream}.
     *
     * @param name   the trace's name, for messages and {@link Trace#name()}
     * @param stream the bytes
     * @return the decoded trace
     * @throws IllegalArgumentException when the bytes are not a valid trace
     * @throws IOException              when reading fails
     */
    public static Trace read(String name, InputStream stream) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
        buffered.mark(XZ_MAGIC.length);
        byte[] head = buffered.readNBytes(XZ_MAGIC.length);
        buffered.reset();
        InputStream in = Arrays.equals(head, XZ_MAGIC) ? new XZInputStream(buffered) : buffered;
        return new TraceReader(name, in).decode();
    }

    /** Reads a trace from bytes (raw or xz). */
    public static Trace read(String name, byte[] bytes) {
        try {
            return read(name, new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IllegalArgumentException("trace=" + name + ": " + e.getMessage(), e);
        }
    }

    private Trace decode() throws IOException {
        for (int i = 0; i < TraceFormat.MAGIC.length; i++) {
            int b = readByteOrEof();
            if (b != (TraceFormat.MAGIC[i] & 0xFF)) {
                throw bad(0, "not a trace: magic=TALCTRC1 expected");
            }
        }
        long version = varint(0);
        if (version != TraceFormat.VERSION) {
            throw bad(0, "unsupported version=" + version + " (expected " + TraceFormat.VERSION + ")");
        }
        int capacity = 1 << 16;
        byte[] ops = new byte[capacity];
        int[] ids = new int[capacity];
        long[] sizes = new long[capacity];
        byte[] alignLogs = new byte[capacity];
        int[] threads = new int[capacity];
        long[] liveSize = new long[1024];    // size of each live id, -1 = not live
        byte[] liveAlign = new byte[1024];
        Arrays.fill(liveSize, -1);
        int slots = 0;
        long liveBytes = 0;
        long peakLive = 0;
        int peakEvent = -1;
        int thread = 0;
        int threadCount = 0;
        long previousId = 0;
        int n = 0;
        while (true) {
            long eventOffset = offset + position;
            int head = readByteOrEof();
            if (head < 0) {
                throw bad(n, "truncated: no END marker (the recording process did not exit normally)");
            }
            int op = head & 0x0F;
            if (op == TraceFormat.END) {
                if ((head & ~0x0F) != 0) {
                    throw bad(n, "bad END head=0x" + Integer.toHexString(head) + " offset=" + eventOffset);
                }
                long count = varint(n);
                if (count != n) {
                    throw bad(n, "END says events=" + count + " but the trace has " + n);
                }
                if (readByteOrEof() >= 0) {
                    throw bad(n, "bytes after END offset=" + (offset + position - 1));
                }
                break;
            }
            if (op > TraceFormat.PVALLOC || (head & 0xE0) != 0) {
                throw bad(n, "unknown head=0x" + Integer.toHexString(head) + " offset=" + eventOffset);
            }
            if ((head & TraceFormat.THREAD_CHANGED) != 0) {
                long t = varint(n);
                if (t > threadCount || t > Integer.MAX_VALUE) {
                    throw bad(n, "thread=" + t + " skips ahead of the " + threadCount + " threads seen");
                }
                thread = (int) t;
            }
            threadCount = Math.max(threadCount, thread + 1);
            long id = previousId + TraceFormat.unzigzag(varint(n));
            if (id < 0 || id >= Integer.MAX_VALUE - 8) {
                throw bad(n, "id=" + id + " out of range");
            }
            previousId = id;
            long size = op == TraceFormat.FREE ? 0 : varint(n);
            if (size < 0 || size > (1L << 48)) {
                throw bad(n, "size=" + size + " out of range");
            }
            int alignLog = Trace.MALLOC_ALIGN_LOG;
            if (TraceFormat.isAligned(op)) {
                long log = varint(n);
                if (log > 40) {
                    throw bad(n, "alignment=2^" + log + " out of range");
                }
                alignLog = Math.max(alignLog, (int) log);
            }
            int slot = (int) id;
            if (slot >= liveSize.length) {
                int grown = Math.max(slot + 1, liveSize.length * 2);
                int old = liveSize.length;
                liveSize = Arrays.copyOf(liveSize, grown);
                liveAlign = Arrays.copyOf(liveAlign, grown);
                Arrays.fill(liveSize, old, grown, -1);
            }
            if (TraceFormat.isAllocation(op)) {
                if (liveSize[slot] >= 0) {
                    throw bad(n, "op=" + TraceFormat.OP_NAMES.get(op) + " of id=" + id + ", which is already live");
                }
                liveSize[slot] = size;
                liveAlign[slot] = (byte) alignLog;
                liveBytes += size;
                slots = Math.max(slots, slot + 1);
            } else {
                if (liveSize[slot] < 0) {
                    throw bad(n, "op=" + TraceFormat.OP_NAMES.get(op) + " of id=" + id + ", which is not live");
                }
                alignLog = liveAlign[slot];
                liveBytes -= liveSize[slot];
                if (op == TraceFormat.FREE) {
                    liveSize[slot] = -1;
                } else {
                    liveSize[slot] = size;
                    liveBytes += size;
                }
            }
            if (liveBytes > peakLive) {
                peakLive = liveBytes;
                peakEvent = n;
            }
            if (n == ops.length) {
                int grown = ops.length * 2;
                ops = Arrays.copyOf(ops, grown);
                ids = Arrays.copyOf(ids, grown);
                sizes = Arrays.copyOf(sizes, grown);
                alignLogs = Arrays.copyOf(alignLogs, grown);
                threads = Arrays.copyOf(threads, grown);
            }
            ops[n] = (byte) op;
            ids[n] = slot;
            sizes[n] = size;
            alignLogs[n] = (byte) alignLog;
            threads[n] = thread;
            n++;
        }
        int liveCount = 0;
        for (int i = 0; i < slots; i++) {
            if (liveSize[i] >= 0) {
                liveCount++;
            }
        }
        int[] liveAtEnd = new int[liveCount];
        for (int i = 0, k = 0; i < slots; i++) {
            if (liveSize[i] >= 0) {
                liveAtEnd[k++] = i;
            }
        }
        return new Trace(name, Arrays.copyOf(ops, n), Arrays.copyOf(ids, n), Arrays.copyOf(sizes, n),
                Arrays.copyOf(alignLogs, n), Arrays.copyOf(threads, n), slots, liveAtEnd, peakLive, peakEvent,
                threadCount);
    }

    private IllegalArgumentException bad(int event, String what) {
        return new IllegalArgumentException("bad trace: trace=" + name + " event=" + event + " offset="
                + (offset + position) + ": " + what);
    }

    private int readByteOrEof() throws IOException {
        if (position == limit) {
            offset += limit;
            position = 0;
            limit = Math.max(0, in.read(buffer));
            if (limit == 0) {
                int b = in.read();
                if (b < 0) {
                    return -1;
                }
                buffer[0] = (byte) b;
                limit = 1;
            }
        }
        return buffer[position++] & 0xFF;
    }

    private long varint(int event) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByteOrEof();
            if (b < 0) {
                throw bad(event, "truncated inside an event", new EOFException());
            }
            if (shift == 63 && b > 1) {
                throw bad(event, "varint overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return value;
            }
        }
        throw bad(event, "varint longer than 10 bytes");
    }

    private IllegalArgumentException bad(int event, String what, Throwable cause) {
        IllegalArgumentException e = bad(event, what);
        e.initCause(cause);
        return e;
    }
}

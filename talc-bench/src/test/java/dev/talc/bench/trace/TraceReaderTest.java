package dev.talc.bench.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The trace format: a written trace reads back exactly, xz or raw; bad traces are rejected with key=value detail. */
class TraceReaderTest {

    @Test
    void shouldRoundTripASmallTraceWithEveryOp() {
        byte[] bytes = new TraceWriter()
                .event(TraceFormat.MALLOC, 0, 100)
                .event(TraceFormat.CALLOC, 1, 40)
                .event(TraceFormat.POSIX_MEMALIGN, 2, 4096, 12, 1)   // thread 1, align 4096
                .event(TraceFormat.REALLOC, 0, 1000, 0, 1)
                .event(TraceFormat.ALIGNED_ALLOC, 3, 8, 3, 0)        // align 8: replayed at 16
                .free(1)
                .event(TraceFormat.MALLOC, 1, 0)                     // id 1 again, size 0
                .event(TraceFormat.MEMALIGN, 4, 64, 6, 2)
                .event(TraceFormat.VALLOC, 5, 10, 12, 2)
                .event(TraceFormat.PVALLOC, 6, 4096, 12, 2)
                .free(4)
                .finish();
        Trace t = TraceReader.read("small", bytes);
        assertEquals("small", t.name());
        assertEquals(11, t.events());
        assertArrayEquals(new byte[] {0, 1, 4, 2, 5, 3, 0, 6, 7, 8, 3}, t.ops());
        assertArrayEquals(new int[] {0, 1, 2, 0, 3, 1, 1, 4, 5, 6, 4}, t.ids());
        assertArrayEquals(new long[] {100, 40, 4096, 1000, 8, 0, 0, 64, 10, 4096, 0}, t.sizes());
        assertArrayEquals(new byte[] {4, 4, 12, 4, 4, 4, 4, 6, 12, 12, 6}, t.alignLogs());
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 0, 2, 2, 2, 0}, t.threads());
        assertEquals(3, t.threadCount());
        assertEquals(7, t.slots());
        assertArrayEquals(new int[] {0, 1, 2, 3, 5, 6}, t.liveAtEnd());
        assertEquals(1000 + 4096 + 8 + 0 + 64 + 10 + 4096, t.peakLiveBytes());
        assertEquals(9, t.peakLiveEvent());
    }

    @Test
    void shouldReadTheSameTraceFromXz() throws IOException {
        byte[] raw = SyntheticTraces.random(1, 5000);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(packed, new LZMA2Options())) {
            xz.write(raw);
        }
        Trace a = TraceReader.read("raw", raw);
        Trace b = TraceReader.read("xz", packed.toByteArray());
        assertArrayEquals(a.ops(), b.ops());
        assertArrayEquals(a.ids(), b.ids());
        assertArrayEquals(a.sizes(), b.sizes());
        assertArrayEquals(a.alignLogs(), b.alignLogs());
        assertEquals(a.peakLiveBytes(), b.peakLiveBytes());
        assertEquals(5000, b.events());
    }

    @Test
    void shouldRejectBadTracesNamingTheTraceAndEvent() {
        byte[] good = new TraceWriter().event(TraceFormat.MALLOC, 0, 8).free(0).finish();
        assertBad("not a trace", Arrays.copyOf(new byte[] {'X'}, good.length));
        assertBad("truncated: no END", new TraceWriter().event(TraceFormat.MALLOC, 0, 8).unfinished());
        assertBad("truncated inside an event", Arrays.copyOf(good, 11));
        assertBad("which is not live", new TraceWriter().free(3).finish());
        assertBad("which is already live", new TraceWriter().event(TraceFormat.MALLOC, 0, 8)
                .event(TraceFormat.CALLOC, 0, 8).finish());
        byte[] badCount = good.clone();
        badCount[badCount.length - 1] = 7;
        assertBad("END says events=7 but the trace has 2", badCount);
        byte[] unknownOp = new TraceWriter().event(9, 0, 8).finish();
        assertBad("unknown head=0x19", unknownOp);
        byte[] extra = Arrays.copyOf(good, good.length + 1);
        assertBad("bytes after END", extra);
    }

    private static void assertBad(String expected, byte[] bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.read("bad", bytes));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("trace=bad")
                && e.getMessage().contains("event="), e.getMessage());
    }

    @Test
    void shouldDecodeEveryBundledTrace() {
        for (String name : Traces.names()) {
            Trace t = Traces.load(name);
            assertTrue(t.events() > 200_000, () -> name + ": " + t.events() + " events");
            assertTrue(t.peakLiveBytes() > 0 && t.slots() > 0, name);
            assertTrue(TraceStats.markdown(t).contains("realloc share"), name);
        }
        assertThrows(IllegalArgumentException.class, () -> Traces.load("nope"));
    }
}

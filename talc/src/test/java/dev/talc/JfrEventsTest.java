package dev.talc;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Flight Recorder events: off by default, recorded with their fields when a recording enables them. */
class JfrEventsTest {
    private static final List<String> EVENTS =
            List.of("dev.talc.Misuse", "dev.talc.OomHandlerCall", "dev.talc.HeapChange", "dev.talc.AllocationFailure");

    @Test
    void shouldRecordEveryColdPathEventWhenEnabled(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("talc.jfr");
        try (Recording recording = new Recording()) {
            EVENTS.forEach(name -> recording.enable(name).withStackTrace());
            recording.start();
            exerciseColdPaths();
            recording.stop();
            recording.dump(file);
        }

        Map<String, List<RecordedEvent>> byName = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.talc."))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));

        RecordedEvent misuse = byName.get("dev.talc.Misuse").getFirst();
        assertEquals("free", misuse.getString("operation"));
        assertTrue(misuse.getString("reason").startsWith("not-allocated"), misuse.getString("reason"));
        assertEquals(100, misuse.getLong("byteSize"));
        assertNotNull(misuse.getStackTrace());

        RecordedEvent oom = byName.get("dev.talc.OomHandlerCall").getFirst();
        assertEquals(4000, oom.getLong("byteSize"));
        assertEquals(8, oom.getLong("byteAlignment"));
        assertTrue(oom.getBoolean("retry"));
        assertEquals(0, oom.getLong("availableBefore"));
        assertTrue(oom.getLong("availableAfter") >= 4000);

        List<String> heapOperations = byName.get("dev.talc.HeapChange").stream()
                .map(e -> e.getString("operation") + ":" + e.getLong("deltaBytes")).toList();
        assertEquals(List.of("claim:4096", "extend:4096", "truncate:-8192", "claim:4096"), heapOperations);

        RecordedEvent failure = byName.get("dev.talc.AllocationFailure").getFirst();
        assertEquals(1 << 20, failure.getLong("byteSize"));
        assertTrue(failure.getLong("availableBytes") > 0);
    }

    @Test
    void shouldBeDisabledByDefault(@TempDir Path dir) throws IOException {
        for (String name : EVENTS) {
            EventType type = FlightRecorder.getFlightRecorder().getEventTypes().stream()
                    .filter(t -> t.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
            assertFalse(type.isEnabled(), name);
        }
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording()) {
            recording.start();
            exerciseColdPaths();
            recording.stop();
            recording.dump(file);
        }
        assertFalse(RecordingFile.readAllEvents(file).stream()
                .anyMatch(e -> e.getEventType().getName().startsWith("dev.talc.")));
    }

    /** A claim through the OOM handler, an extension, a double free, a truncation and a failed allocation. */
    private static void exerciseColdPaths() {
        MemorySegment memory = MemorySegment.ofArray(new long[4096]);
        Talc talc = new Talc(memory, OomHandler.extendDoubling(Span.ofSize(0, 16384), 4096));
        MemorySegment block = talc.allocate(4000, 8);           // OomHandlerCall + HeapChange(claim)
        MemorySegment second = talc.allocate(100, 8);           // OomHandlerCall + HeapChange(extend)
        talc.free(second);
        assertThrows(IllegalArgumentException.class, () -> talc.free(second));   // Misuse
        talc.free(block);
        talc.truncate(talc.heaps().getFirst(), Span.empty());   // HeapChange(truncate)
        Talc small = Talc.over(MemorySegment.ofArray(new long[512]));
        assertThrows(OutOfMemoryError.class, () -> small.allocate(1 << 20, 8));   // AllocationFailure
    }
}

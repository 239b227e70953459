package dev.talc;

/**
 * Hooks for the allocator's cold-path events (misuse rejections, OOM handler calls, heap changes,
 * failed allocations), forwarded to JDK Flight Recorder events ({@link JfrEvents}).
 *
 * <h2>Design note</h2>
 * Kept apart from the hot paths: every hook is called only where an exception is about to be thrown,
 * an {@link OomHandler} has just been called, or a heap is claimed, extended or truncated. So
 * {@code tryAllocate}, {@code free} and {@code tryReallocate} carry no trace of observability, not even a
 * branch, and nothing here can slow them down.
 *
 * <p>The events are disabled by default ({@code @Enabled(false)}): a recording must name them (for
 * example {@code jfr configure +dev.talc.Misuse#enabled=true}, or
 * {@code recording.enable("dev.talc.Misuse")}). While disabled, a hook costs one {@code shouldCommit()}
 * check on an event object that escape analysis removes, on a path that is about to build an exception
 * or has just called out to a handler. If the runtime has no {@code jdk.jfr} module (a trimmed
 * {@code jlink} image running the library from the class path), the hooks do nothing and never load an
 * event class.
 */
final class TalcEvents {
    /** Whether JFR exists in this runtime; if not, {@link JfrEvents} (which links to it) is never loaded. */
    private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private TalcEvents() {}

    /** A call was rejected (bad block, bad span, bad layout); the exception is about to be thrown. */
    static void misuse(String operation, String reason, long offset, long byteSize) {
        if (JFR) {
            JfrEvents.misuse(operation, reason, offset, byteSize);
        }
    }

    /** The OOM handler was called for a request; {@code failure} is what it threw, or null. */
    static void oomHandlerCalled(long byteSize, long byteAlignment, boolean retry, long availableBefore,
                                 long availableAfter, Throwable failure) {
        if (JFR) {
            JfrEvents.oomHandlerCalled(byteSize, byteAlignment, retry, availableBefore, availableAfter, failure);
        }
    }

    /** A heap was claimed ({@code before} empty), extended or truncated ({@code after} empty if released). */
    static void heapChanged(String operation, Span before, Span after) {
        if (JFR) {
            JfrEvents.heapChanged(operation, before, after);
        }
    }

    /** An allocation failed for good: the {@link OutOfMemoryError} is about to be thrown. */
    static void allocationFailed(long byteSize, long byteAlignment, long availableBytes, long largestGapBytes,
                                 Throwable cause) {
        if (JFR) {
            JfrEvents.allocationFailed(byteSize, byteAlignment, availableBytes, largestGapBytes, cause);
        }
    }
}

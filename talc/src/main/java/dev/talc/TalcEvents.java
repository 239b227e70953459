package dev.talc;

/**
 * Hooks for the allocator's cold-path events (misuse rejections, OOM handler calls, heap changes).
 *
 * <p>Kept apart from the hot paths: every hook is called only where an exception is about to be thrown
 * or a heap is claimed, extended or truncated.
 */
final class TalcEvents {
    private TalcEvents() {}

    static void misuse(String operation, String reason, long offset, long byteSize) {
    }

    static void oomHandlerCalled(long byteSize, long byteAlignment, boolean retry, long availableBefore,
                                 long availableAfter, Throwable failure) {
    }

    static void heapChanged(String operation, Span before, Span after) {
    }
}

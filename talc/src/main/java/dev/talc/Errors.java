package dev.talc;

import java.lang.foreign.MemorySegment;

/**
 * Builders of every exception the allocator throws, in one cold place.
 *
 * <p>Messages name the operation and carry {@code key=value} detail, offsets in hex, so a log line alone
 * says what was wrong. Each method only builds the exception: callers throw it before changing any state.
 */
final class Errors {
    private Errors() {}

    static IllegalArgumentException badLayout(long byteSize, long byteAlignment) {
        TalcEvents.misuse("allocate", byteSize < 0 ? "negative-size" : "bad-alignment", -1, byteSize);
        if (byteSize < 0) {
            return new IllegalArgumentException("invalid allocation size: byteSize=" + byteSize + " must be >= 0");
        }
        return new IllegalArgumentException(
                "invalid alignment constraint: byteAlignment=" + byteAlignment + " must be a power of two > 0");
    }

    static IllegalArgumentException badNewSize(String operation, long byteSize, long newByteSize) {
        TalcEvents.misuse(operation, "bad-new-size", -1, newByteSize);
        return new IllegalArgumentException(operation + ": invalid size: byteSize=" + byteSize
                + " newByteSize=" + newByteSize);
    }

    /** A free, grow, shrink or realloc of something that is not a live block of this allocator. */
    static IllegalArgumentException badBlock(String operation, String reason, long offset, long byteSize) {
        TalcEvents.misuse(operation, reason, offset, byteSize);
        return new IllegalArgumentException(operation + ": not a live block of this allocator: reason=" + reason
                + " offset=" + hex(offset) + " byteSize=" + byteSize);
    }

    static IllegalArgumentException foreignSegment(String operation, MemorySegment block, MemorySegment memory) {
        TalcEvents.misuse(operation, "foreign-segment", block.address(), block.byteSize());
        return new IllegalArgumentException(operation + ": segment is not inside this allocator's memory: reason=foreign-segment"
                + " block=" + block + " memory=" + memory);
    }

    static IllegalArgumentException badSpan(String operation, String reason, Span span, String detail) {
        // the span may be absurd (that is why it is rejected): no size() here, which would overflow
        TalcEvents.misuse(operation, reason, span.base(), Math.max(0, span.acme() - span.base()));
        return new IllegalArgumentException(operation + ": reason=" + reason + " span=" + span
                + (detail.isEmpty() ? "" : " " + detail));
    }

    static IllegalArgumentException badMemory(String reason, MemorySegment memory) {
        return new IllegalArgumentException("memory cannot be used: reason=" + reason + " memory=" + memory
                + " maxByteAlignment=" + Talc.maxByteAlignment(memory) + " readOnly=" + memory.isReadOnly());
    }

    static OutOfMemoryError outOfMemory(long byteSize, long byteAlignment, TalcStats stats, Throwable cause) {
        TalcEvents.allocationFailed(byteSize, byteAlignment, stats.availableBytes(), stats.largestGapBytes(), cause);
        OutOfMemoryError error = new OutOfMemoryError("Talc is out of memory: byteSize=" + byteSize
                + " byteAlignment=" + byteAlignment + " availableBytes=" + stats.availableBytes()
                + " largestGapBytes=" + stats.largestGapBytes() + " heapCount=" + stats.heapCount()
                + (cause == null ? "" : " oomHandlerFailure=" + cause));
        if (cause != null) {
            error.initCause(cause);
        }
        return error;
    }

    static IllegalStateException oomHandlerMadeNoRoom(long byteSize, long byteAlignment, long availableBytes) {
        return new IllegalStateException("OomHandler returned true without making room: byteSize=" + byteSize
                + " byteAlignment=" + byteAlignment + " availableBytes=" + availableBytes);
    }

    static IllegalStateException invariant(String invariant, String detail) {
        return new IllegalStateException("heap invariant broken: invariant=" + invariant + " " + detail);
    }

    static String hex(long offset) {
        return offset < 0 ? Long.toString(offset) : "0x" + Long.toHexString(offset);
    }
}

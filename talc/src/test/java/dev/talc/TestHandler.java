package dev.talc;

import java.util.List;

/**
 * The OOM handlers the workloads run with: the built-in ones, and faulty ones (a handler that throws,
 * one that lies, one that makes room but never enough). Each counts its calls, so a test can tell
 * whether the handler took part in a failed allocation.
 */
final class TestHandler implements OomHandler {
    /** What the handler does. */
    enum Kind {
        /** {@link OomHandler#fail()}. */
        FAIL,
        /** {@link OomHandler#claimOnce(Span)} of a random span (which may overlap a heap: then the claim throws). */
        CLAIM_ONCE,
        /** {@link OomHandler#extendDoubling(Span, long)} within a random limit. */
        EXTEND_DOUBLING,
        /** Throws an {@link IllegalStateException}. */
        THROWING,
        /** Returns true without making room. */
        LYING,
        /** Claims a tiny heap (32 usable bytes) and returns true, a few times; then only lies. */
        TEASING;

        /** Whether the handler never changes the allocator: a failed allocation then leaves it exactly as it was. */
        boolean changesNothing() {
            return this == FAIL || this == THROWING || this == LYING;
        }
    }

    /** The message of the exception the throwing handler throws. */
    static final String THROWN = "test handler failed on purpose";

    final Kind kind;
    private final OomHandler delegate;
    private final long memoryBytes;
    private long calls;
    private int teases;

    private TestHandler(Kind kind, OomHandler delegate, long memoryBytes) {
        this.kind = kind;
        this.delegate = delegate;
        this.memoryBytes = memoryBytes;
    }

    static TestHandler of(Kind kind, long memoryBytes, Choices in) {
        OomHandler delegate = switch (kind) {
            case CLAIM_ONCE -> {
                long base = in.nextLong(0, memoryBytes - 48);
                yield OomHandler.claimOnce(new Span(base, in.nextLong(base + 40, memoryBytes)));
            }
            case EXTEND_DOUBLING -> {
                long base = in.nextBoolean() ? 0 : in.nextLong(0, memoryBytes - 64);
                long acme = in.nextBoolean() ? memoryBytes : in.nextLong(base + 64, memoryBytes);
                yield OomHandler.extendDoubling(new Span(base, acme), in.nextLong(Tag.MIN_HEAP, acme - base));
            }
            default -> null;
        };
        return new TestHandler(kind, delegate, memoryBytes);
    }

    long calls() {
        return calls;
    }

    @Override
    public boolean handleOom(Talc talc, long byteSize, long byteAlignment) {
        calls++;
        return switch (kind) {
            case FAIL -> false;
            case THROWING -> throw new IllegalStateException(THROWN + ": call=" + calls);
            case LYING -> true;
            case TEASING -> {
                if (teases < 4) {
                    Span hole = firstHole(talc.heaps());
                    if (hole != null) {
                        teases++;
                        talc.claim(hole);
                    }
                }
                yield true;
            }
            default -> delegate.handleOom(talc, byteSize, byteAlignment);
        };
    }

    /** The lowest 40-byte span of memory that no heap touches, or null. */
    private Span firstHole(List<Span> heaps) {
        long at = 0;
        for (Span heap : heaps) {
            if (heap.base() - at >= 40) {
                return Span.ofSize(at, 40);
            }
            at = Math.max(at, heap.acme());
        }
        return memoryBytes - at >= 40 ? Span.ofSize(at, 40) : null;
    }

    @Override
    public String toString() {
        return kind + (delegate == null ? "" : "(" + delegate + ")");
    }
}

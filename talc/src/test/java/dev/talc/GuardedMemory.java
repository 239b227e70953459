package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Memory for an allocator with guard bytes around it: a larger segment ({@link #outer()}) whose middle
 * slice ({@link #inner()}) is what the allocator gets. The guards are filled with {@link #GUARD_BYTE}
 * and must still hold it at the end: nothing an allocator does, whatever it is asked, writes outside
 * its own segment.
 *
 * <pre>
 *   outer  [ guard (GUARD + skew bytes) ][ inner: the allocator's memory ][ guard (GUARD bytes) ]
 * </pre>
 *
 * The skew (a multiple of 8) moves the inner slice's address off page alignment, so alignment is
 * computed on addresses, not offsets. The inner memory starts filled with a chosen junk byte: an
 * allocator must never depend on zeroed memory.
 */
final class GuardedMemory implements AutoCloseable {
    static final long GUARD = 4096;
    static final byte GUARD_BYTE = (byte) 0xA5;
    private static final MemorySegment GUARDS = MemorySegment.ofArray(new byte[(int) (2 * GUARD)]).fill(GUARD_BYTE);

    /** The kinds of memory the fuzz targets run over (mapped files behave as native memory). */
    enum Kind {
        NATIVE, LONG_ARRAY
    }

    private final Arena arena;
    private final MemorySegment outer;
    private final MemorySegment inner;
    private final long before;

    private GuardedMemory(Arena arena, MemorySegment outer, long before, long bytes) {
        this.arena = arena;
        this.outer = outer;
        this.before = before;
        this.inner = outer.asSlice(before, bytes);
        outer.fill(GUARD_BYTE);
    }

    /**
     * Opens {@code bytes} of guarded memory.
     *
     * @param kind  native (a confined arena) or a {@code long[]}
     * @param bytes the size of the inner memory, a multiple of 8
     * @param skew  extra guard bytes below, a multiple of 8 below 4096
     * @param junk  the byte the inner memory is filled with
     */
    static GuardedMemory open(Kind kind, long bytes, long skew, byte junk) {
        long outerBytes = GUARD + skew + bytes + GUARD;
        GuardedMemory memory;
        if (kind == Kind.NATIVE) {
            Arena arena = Arena.ofConfined();
            memory = new GuardedMemory(arena, arena.allocate(outerBytes, 4096), GUARD + skew, bytes);
        } else {
            memory = new GuardedMemory(null, MemorySegment.ofArray(new long[(int) (outerBytes / 8)]), GUARD + skew, bytes);
        }
        memory.inner.fill(junk);
        return memory;
    }

    /** The allocator's memory. */
    MemorySegment inner() {
        return inner;
    }

    /** The whole segment, guards included. */
    MemorySegment outer() {
        return outer;
    }

    /** A slice of the guard below the inner memory: same arena or array, but outside the allocator's memory. */
    MemorySegment guardBelow(long bytes) {
        return outer.asSlice(before - bytes, bytes);
    }

    /** A slice of the guard above the inner memory. */
    MemorySegment guardAbove(long bytes) {
        return outer.asSlice(before + inner.byteSize(), bytes);
    }

    /** Fails unless every guard byte is intact. */
    void checkGuards() {
        long low = MemorySegment.mismatch(outer, 0, before, GUARDS, 0, before);
        if (low >= 0) {
            fail("guard byte below the allocator's memory was written at -" + (before - low) + ": "
                    + outer.get(ValueLayout.JAVA_BYTE, low));
        }
        long top = before + inner.byteSize();
        long high = MemorySegment.mismatch(outer, top, outer.byteSize(), GUARDS, 0, outer.byteSize() - top);
        if (high >= 0) {
            fail("guard byte above the allocator's memory was written at +" + high + ": "
                    + outer.get(ValueLayout.JAVA_BYTE, top + high));
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}

package dev.talc.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The bump-pointer floor of a scoped arena: a confined session of its own, segments sliced one after the
 * other from a block reused by every scope, zeroed and re-scoped to the session; nothing to free. What a
 * Talc arena does on its fast path, without the allocator.
 *
 * <p>For {@link ArenaScopeBenchmark} only: it throws {@link IndexOutOfBoundsException} when the block is
 * full, and scopes over one block must not overlap in time.
 */
final class SlicingArena implements Arena {
    private final MemorySegment block;
    private final Arena session = Arena.ofConfined();
    private long cursor;

    SlicingArena(MemorySegment block) {
        this.block = block;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long base = block.address();
        long start = ((base + cursor + byteAlignment - 1) & -byteAlignment) - base;
        MemorySegment slice = block.asSlice(start, byteSize);
        slice.fill((byte) 0);
        cursor = start + Math.max(byteSize, 1);
        return slice.reinterpret(session, null);
    }

    @Override
    public MemorySegment.Scope scope() {
        return session.scope();
    }

    @Override
    public void close() {
        session.close();
    }
}

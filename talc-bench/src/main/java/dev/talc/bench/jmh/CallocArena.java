package dev.talc.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A confined arena over the C library's {@code calloc}/{@code free}, written as FFM users write one: each
 * segment is the allocated address re-scoped to a confined session, with {@code free} as its cleanup, so
 * closing the session frees every block. {@code calloc} zeroes, as the JDK's arenas and Talc's do.
 *
 * <p>For {@link ArenaScopeBenchmark} only: alignments above 16 (malloc's guarantee) are refused.
 */
final class CallocArena implements Arena {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("calloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS),
            Linker.Option.critical(false));

    private final Arena session = Arena.ofConfined();

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteAlignment > 16) {
            throw new IllegalArgumentException("calloc arena: byteAlignment=" + byteAlignment + " above 16");
        }
        MemorySegment block;
        try {
            block = (MemorySegment) CALLOC.invokeExact(1L, Math.max(byteSize, 1));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
        if (block.address() == 0) {
            throw new OutOfMemoryError("calloc failed: byteSize=" + byteSize);
        }
        return block.reinterpret(byteSize, session, CallocArena::free);
    }

    private static void free(MemorySegment block) {
        try {
            FREE.invokeExact(block);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
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

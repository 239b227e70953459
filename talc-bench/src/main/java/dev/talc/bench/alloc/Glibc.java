package dev.talc.bench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * glibc's malloc statistics, for the footprint figure of the two glibc adapters ({@link LibcAllocator},
 * {@link LibcCriticalAllocator}): {@code mallinfo2()} (glibc 2.33 and later) and {@code malloc_trim(0)}.
 *
 * <p>Design note: held bytes = {@code arena + hblkhd}: what every malloc arena got from the OS (sbrk'd or mapped
 * heap, free chunks and the top chunk included) plus the chunks glibc mmaps on their own (large blocks). glibc
 * keeps no peak of it, so the trace replay samples it. The figure is process-wide: the JVM's own threads malloc
 * too (mostly in their own arenas), which is why the replay takes the growth from a reading just before its
 * pass, after malloc_trim(0) gave back what earlier passes left free at the top of each arena. Alternatives:
 * {@code malloc_info()} (XML, has a per-arena maximum but no maximum of mmapped bytes); the process's RSS
 * (counts the Java heap, code cache and everything else).
 */
final class Glibc {

    private Glibc() {
    }

    /** struct mallinfo2: ten size_t fields. */
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            JAVA_LONG.withName("arena"), JAVA_LONG.withName("ordblks"), JAVA_LONG.withName("smblks"),
            JAVA_LONG.withName("hblks"), JAVA_LONG.withName("hblkhd"), JAVA_LONG.withName("usmblks"),
            JAVA_LONG.withName("fsmblks"), JAVA_LONG.withName("uordblks"), JAVA_LONG.withName("fordblks"),
            JAVA_LONG.withName("keepcost"));
    private static final long ARENA = MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("arena"));
    private static final long HBLKHD = MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd"));

    private static final MethodHandle MALLINFO2_HANDLE;
    private static final MethodHandle MALLOC_TRIM;
    private static final MemorySegment RESULT = Arena.global().allocate(MALLINFO2);

    static {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> mallinfo2 = linker.defaultLookup().find("mallinfo2");
        Optional<MemorySegment> trim = linker.defaultLookup().find("malloc_trim");
        MALLINFO2_HANDLE = mallinfo2.map(s -> linker.downcallHandle(s, FunctionDescriptor.of(MALLINFO2))).orElse(null);
        MALLOC_TRIM = trim.map(s -> linker.downcallHandle(s, FunctionDescriptor.of(JAVA_INT, JAVA_LONG))).orElse(null);
    }

    /** {@code mallinfo2().arena + mallinfo2().hblkhd}, or -1 when this C library has no mallinfo2. */
    static synchronized long heldBytes() {
        if (MALLINFO2_HANDLE == null) {
            return -1;
        }
        try {
            MemorySegment info = (MemorySegment) MALLINFO2_HANDLE.invokeExact((SegmentAllocator) (size, align) -> RESULT);
            return info.get(JAVA_LONG, ARENA) + info.get(JAVA_LONG, HBLKHD);
        } catch (Throwable t) {
            throw new IllegalStateException("mallinfo2 failed", t);
        }
    }

    /** {@code malloc_trim(0)}, where the C library has it. */
    static void trim() {
        if (MALLOC_TRIM == null) {
            return;
        }
        try {
            int ignored = (int) MALLOC_TRIM.invokeExact(0L);
        } catch (Throwable t) {
            throw new IllegalStateException("malloc_trim failed", t);
        }
    }

    /** What {@link #heldBytes()} means, for the adapters' footprint notes. */
    static final String FOOTPRINT_NOTES = "Footprint: glibc's mallinfo2() arena + hblkhd (bytes every malloc arena got"
            + " from the OS, free chunks and top included, plus mmapped large chunks), process-wide, read every 256"
            + " events and at the trace's live-bytes peak during the untimed footprint pass; the figure is the"
            + " largest reading minus the one just before the pass, taken after malloc_trim(0) (other JVM threads"
            + " malloc too, mostly in arenas of their own).";
}

package dev.talc.bench.alloc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * glibc's malloc, calloc, aligned_alloc, realloc and free through critical FFM downcalls
 * ({@code Linker.Option.critical(false)}: no thread-state transition around the call, no heap access): the
 * cheapest way Java can call malloc, and so the fairest native yardstick for Talc on the trace replay. The
 * non-critical {@link LibcAllocator} ("JDK malloc (FFM)") stays as it is: DESIGN section 6 calibrates native
 * parity on it.
 *
 * <p>Design note: a class of its own rather than a flag on LibcAllocator, so each keeps its method handles in
 * static finals (constants the JIT inlines through). A critical call cannot reach a safepoint, which is fine for
 * calls as short as malloc's (a large realloc's copy or an mmap is the longest).
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Critical FFM downcalls (Linker.Option.critical(false)): no thread-state transition per call. malloc is
 * 16-aligned: align up to 16 uses malloc, calloc and realloc, larger ones aligned_alloc; for align &gt; 16 realloc
 * is aligned_alloc+copy+free and calloc is aligned_alloc and a zero fill. Thread-safe. Memory comes from the OS,
 * without a fixed bound.
 */
public final class LibcCriticalAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Critical FFM downcalls (Linker.Option.critical(false)): no thread-state transition per"
            + " call. malloc is 16-aligned: align up to 16 uses malloc, calloc and realloc, larger ones aligned_alloc;"
            + " for align > 16 realloc is aligned_alloc+copy+free and calloc is aligned_alloc and a zero fill."
            + " Thread-safe. Memory comes from the OS, without a fixed bound.";

    /** glibc's MALLOC_ALIGNMENT on x86-64 and AArch64. */
    private static final long MALLOC_ALIGN = 16;

    private static final MethodHandle MALLOC;
    private static final MethodHandle CALLOC;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle REALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option critical = Linker.Option.critical(false);
        MALLOC = linker.downcallHandle(find(libc, "malloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), critical);
        CALLOC = linker.downcallHandle(find(libc, "calloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG),
                critical);
        ALIGNED_ALLOC = linker.downcallHandle(find(libc, "aligned_alloc"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
        REALLOC = linker.downcallHandle(find(libc, "realloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG),
                critical);
        FREE = linker.downcallHandle(find(libc, "free"), FunctionDescriptor.ofVoid(JAVA_LONG), critical);
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    public LibcCriticalAllocator() {
        super("glibc malloc (FFM critical)", NOTES, true);
    }

    @Override
    public long allocate(long size, long align) {
        long p;
        try {
            p = align <= MALLOC_ALIGN ? (long) MALLOC.invokeExact(size) : (long) ALIGNED_ALLOC.invokeExact(align, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return p == 0 ? FAILED : p;
    }

    @Override
    public long calloc(long size, long align) {
        if (align > MALLOC_ALIGN) {
            return super.calloc(size, align);
        }
        long p;
        try {
            p = (long) CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return p == 0 ? FAILED : p;
    }

    @Override
    public void free(long handle, long size, long align) {
        try {
            FREE.invokeExact(handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        if (align <= MALLOC_ALIGN) {
            long p;
            try {
                p = (long) REALLOC.invokeExact(handle, newSize);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            return p == 0 ? FAILED : p;
        }
        return reallocateByCopy(handle, oldSize, align, newSize); // allocate is aligned_alloc for these
    }

    @Override
    public long footprintBytes() {
        return Glibc.heldBytes();
    }

    @Override
    public void prepareFootprint() {
        Glibc.trim();
    }

    @Override
    public String footprintNotes() {
        return Glibc.FOOTPRINT_NOTES;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    @Override
    public void close() {
        // Nothing held: every block was (or will be) freed by the caller.
    }
}

package dev.talc.bench.alloc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library's malloc, aligned_alloc, realloc and free (glibc here), and calloc for the trace replay, called
 * through FFM downcalls made once from Linker.nativeLinker() (pointers passed as long, so a call allocates
 * nothing). {@link LibcCriticalAllocator} is the same through critical downcalls.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>malloc is 16-aligned: align up to 16 uses malloc and realloc, larger ones aligned_alloc. realloc
 * cannot keep a larger alignment, so for align &gt; 16 realloc is aligned_alloc+copy+free. Ordinary FFM
 * downcalls (not critical). calloc (trace replay): calloc(1, size) up to align 16, aligned_alloc and a zero
 * fill above. Thread-safe. Memory comes from the OS, without a fixed bound.
 */
public final class LibcAllocator extends AbstractBenchAllocator {

    static final String NOTES = "malloc is 16-aligned: align up to 16 uses malloc and realloc, larger ones"
            + " aligned_alloc. realloc cannot keep a larger alignment, so for align > 16 realloc is"
            + " aligned_alloc+copy+free. Ordinary FFM downcalls (not critical). calloc (trace replay): calloc(1, size)"
            + " up to align 16, aligned_alloc and a zero fill above. Thread-safe. Memory comes from the OS, without a"
            + " fixed bound.";

    /** glibc's MALLOC_ALIGNMENT on x86-64 and AArch64 (2 * sizeof(size_t), at least alignof(long double)). */
    private static final long MALLOC_ALIGN = 16;

    private static final MethodHandle MALLOC;
    private static final MethodHandle CALLOC;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle REALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MALLOC = linker.downcallHandle(find(libc, "malloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        CALLOC = linker.downcallHandle(find(libc, "calloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        ALIGNED_ALLOC = linker.downcallHandle(find(libc, "aligned_alloc"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        REALLOC = linker.downcallHandle(find(libc, "realloc"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        FREE = linker.downcallHandle(find(libc, "free"), FunctionDescriptor.ofVoid(JAVA_LONG));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    public LibcAllocator() {
        super("JDK malloc (FFM)", NOTES, true);
    }

    @Override
    public long allocate(long size, long align) {
        long p = align <= MALLOC_ALIGN ? malloc(size) : alignedAlloc(align, size);
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

    /** calloc(1, size) up to malloc's alignment; above it aligned_alloc and a zero fill. */
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

    private static long malloc(long size) {
        try {
            return (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long alignedAlloc(long align, long size) {
        try {
            return (long) ALIGNED_ALLOC.invokeExact(align, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
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

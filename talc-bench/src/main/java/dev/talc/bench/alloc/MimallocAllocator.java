package dev.talc.bench.alloc;

import org.lwjgl.system.mimalloc.mimalloc;

/**
 * mimalloc, as bundled by LWJGL 3.4.3 (lwjgl-mimalloc with its natives-linux jar): mi_malloc_aligned,
 * mi_realloc_aligned and mi_free.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Everything native: mi_malloc_aligned and mi_realloc_aligned take the alignment; mi_free needs no size.
 * Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe (threads are set up
 * lazily by mimalloc itself). Memory comes from the OS, without a fixed bound.
 */
public final class MimallocAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Everything native: mi_malloc_aligned and mi_realloc_aligned take the alignment;"
            + " mi_free needs no size. Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe"
            + " (threads are set up lazily by mimalloc itself). Memory comes from the OS, without a fixed bound.";

    /** @throws UnsatisfiedLinkError (or another LinkageError) when the native library cannot load */
    public MimallocAllocator() {
        super("mimalloc (LWJGL)", NOTES, true);
        long p = mimalloc.nmi_malloc(8); // loads the library now, not on the first timed call
        mimalloc.nmi_free(p);
    }

    @Override
    public long allocate(long size, long align) {
        long p = mimalloc.nmi_malloc_aligned(size, align);
        return p == 0 ? FAILED : p;
    }

    @Override
    public void free(long handle, long size, long align) {
        mimalloc.nmi_free(handle);
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        long p = mimalloc.nmi_realloc_aligned(handle, newSize, align);
        return p == 0 ? FAILED : p;
    }

    @Override
    public void close() {
        // mimalloc is process-wide: blocks are freed by the caller.
    }
}

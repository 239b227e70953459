package dev.talc.bench.alloc;

import org.lwjgl.system.jemalloc.JEmalloc;

/**
 * jemalloc, as bundled by LWJGL 3.4.3 (lwjgl-jemalloc with its natives-linux jar), through its
 * non-standard API: mallocx / rallocx / sdallocx with a MALLOCX_LG_ALIGN flag.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Everything native: mallocx and rallocx take the alignment as a flag (needed above 8 bytes for blocks
 * under 16 bytes, above 16 otherwise), sdallocx takes the size back (sized free). Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe. Memory comes
 * from the OS, without a fixed bound.
 */
public final class JemallocAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Everything native: mallocx and rallocx take the alignment as a flag (needed above 8"
            + " bytes for blocks under 16 bytes, above 16 otherwise), sdallocx takes the size back (sized free). Called through LWJGL's JNI bindings (a JNI transition per call)."
            + " Thread-safe. Memory comes from the OS, without a fixed bound.";

    /**
     * The flags for a block: jemalloc's size classes from 16 bytes up are 16-aligned, the 8-byte class only
     * 8-aligned, so the alignment flag is needed above 8 for tiny blocks and above 16 for the rest. A pure
     * function of (size, align), so sdallocx gets the same flags the block was allocated with.
     */
    private static int flags(long size, long align) {
        return align <= 8 || (align <= 16 && size >= 16)
                ? 0 : JEmalloc.MALLOCX_LG_ALIGN(Long.numberOfTrailingZeros(align));
    }

    /** @throws UnsatisfiedLinkError (or another LinkageError) when the native library cannot load */
    public JemallocAllocator() {
        super("jemalloc (LWJGL)", NOTES, true);
        long p = JEmalloc.nje_malloc(8); // loads the library now, not on the first timed call
        JEmalloc.nje_free(p);
    }

    @Override
    public long allocate(long size, long align) {
        long p = JEmalloc.nje_mallocx(Math.max(1, size), flags(size, align)); // mallocx(0) is undefined
        return p == 0 ? FAILED : p;
    }

    @Override
    public void free(long handle, long size, long align) {
        JEmalloc.nje_sdallocx(handle, Math.max(1, size), flags(size, align));
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        long p = JEmalloc.nje_rallocx(handle, Math.max(1, newSize), flags(newSize, align));
        return p == 0 ? FAILED : p;
    }

    @Override
    public void close() {
        // jemalloc is process-wide: blocks are freed by the caller, jemalloc keeps its caches.
    }
}

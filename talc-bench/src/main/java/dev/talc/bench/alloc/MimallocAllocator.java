package dev.talc.bench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.lwjgl.system.mimalloc.mimalloc;

/**
 * mimalloc, as bundled by LWJGL 3.4.3 (lwjgl-mimalloc with its natives-linux jar): mi_malloc_aligned,
 * mi_realloc_aligned and mi_free.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Everything native: mi_malloc_aligned and mi_realloc_aligned take the alignment; mi_free needs no size.
 * calloc (trace replay): mi_zalloc_aligned. Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe (threads are set up
 * lazily by mimalloc itself). Memory comes from the OS, without a fixed bound.
 */
public final class MimallocAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Everything native: mi_malloc_aligned and mi_realloc_aligned take the alignment;"
            + " mi_free needs no size. calloc (trace replay): mi_zalloc_aligned. Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe"
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
    public long calloc(long size, long align) {
        long p = mimalloc.nmi_zalloc_aligned(size, align);
        return p == 0 ? FAILED : p;
    }

    /** Eight size_t outputs of mi_process_info. */
    private static final MemorySegment INFO = Arena.global().allocate(8 * 8, 8);

    /** mi_process_info's current_commit: the memory mimalloc has committed from the OS now. */
    @Override
    public long footprintBytes() {
        synchronized (INFO) {
            long a = INFO.address();
            mimalloc.nmi_process_info(a, a + 8, a + 16, a + 24, a + 32, a + 40, a + 48, a + 56);
            return INFO.get(ValueLayout.JAVA_LONG, 40);
        }
    }

    /** mi_collect(true): gives back the free pages earlier passes left. */
    @Override
    public void prepareFootprint() {
        mimalloc.mi_collect(true);
    }

    @Override
    public String footprintNotes() {
        return "Footprint: mimalloc's mi_process_info current_commit (memory it has committed from the OS: pages of"
                + " live blocks, free pages not yet purged, its metadata), read every 256 events and at the trace's"
                + " live-bytes peak during the untimed footprint pass; the figure is the largest reading minus the one"
                + " just before the pass, taken after mi_collect(true). mimalloc serves only this adapter in the JVM.";
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

package dev.talc.bench.alloc;

import org.lwjgl.system.rpmalloc.RPmalloc;
import org.lwjgl.system.rpmalloc.rpmalloc_global_statistics_t;

/**
 * rpmalloc, as bundled by LWJGL 3.4.3 (lwjgl-rpmalloc with its natives-linux jar): rpaligned_alloc,
 * rpaligned_realloc and rpfree, after rpmalloc_initialize() once per process and
 * rpmalloc_thread_initialize() once per thread.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Alignment and realloc are native (rpaligned_alloc, rpaligned_realloc). calloc (trace replay):
 * rpaligned_calloc. rpmalloc needs
 * rpmalloc_initialize() once (done on first use) and rpmalloc_thread_initialize() on every thread before
 * that thread's first call: the adapter checks a ThreadLocal flag on each call and initialises a thread
 * the first time it comes. Threads are never finalised (no thread-exit hook), so their heaps stay with
 * rpmalloc: best used from long-lived threads. Called through LWJGL's JNI bindings (a JNI transition per
 * call). Thread-safe. Memory comes from the OS, without a fixed bound.
 */
public final class RpmallocAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Alignment and realloc are native (rpaligned_alloc, rpaligned_realloc). calloc (trace"
            + " replay): rpaligned_calloc. rpmalloc needs"
            + " rpmalloc_initialize() once (done on first use) and rpmalloc_thread_initialize() on every thread before"
            + " that thread's first call: the adapter checks a ThreadLocal flag on each call and initialises a thread"
            + " the first time it comes. Threads are never finalised (no thread-exit hook), so their heaps stay with"
            + " rpmalloc: best used from long-lived threads. Called through LWJGL's JNI bindings (a JNI transition per"
            + " call). Thread-safe. Memory comes from the OS, without a fixed bound.";

    /** Initialises the calling thread for rpmalloc on its first {@code get()}. */
    private static final ThreadLocal<Boolean> THREAD_READY = ThreadLocal.withInitial(() -> {
        if (!RPmalloc.rpmalloc_is_thread_initialized()) {
            RPmalloc.rpmalloc_thread_initialize();
        }
        return Boolean.TRUE;
    });

    static {
        // The C function returns 0 on success (LWJGL maps that to false); it is idempotent, and it also
        // initialises the calling thread.
        RPmalloc.nrpmalloc_initialize(0L);
    }

    /** @throws UnsatisfiedLinkError (or another LinkageError) when the native library cannot load */
    public RpmallocAllocator() {
        super("rpmalloc (LWJGL)", NOTES, true);
        THREAD_READY.get();
        if (!RPmalloc.rpmalloc_is_thread_initialized()) {
            throw new IllegalStateException("rpmalloc did not initialise the calling thread");
        }
    }

    private static void ready() {
        THREAD_READY.get();
    }

    @Override
    public long allocate(long size, long align) {
        ready();
        long p = RPmalloc.nrpaligned_alloc(align, size);
        return p == 0 ? FAILED : p;
    }

    @Override
    public long calloc(long size, long align) {
        ready();
        long p = RPmalloc.nrpaligned_calloc(align, 1, size);
        return p == 0 ? FAILED : p;
    }

    /**
     * rpmalloc_global_statistics' mapped bytes, or -1 when they read 0 (rpmalloc keeps them only when built with
     * ENABLE_STATISTICS).
     */
    @Override
    public long footprintBytes() {
        try (rpmalloc_global_statistics_t stats = rpmalloc_global_statistics_t.calloc()) {
            RPmalloc.rpmalloc_global_statistics(stats);
            return stats.mapped() > 0 ? stats.mapped() : -1;
        }
    }

    @Override
    public String footprintNotes() {
        return footprintBytes() > 0
                ? "Footprint: rpmalloc_global_statistics mapped (bytes it has mapped from the OS now), read every 256"
                        + " events and at the trace's live-bytes peak during the untimed footprint pass, minus the reading"
                        + " just before it."
                : "n/a: rpmalloc as LWJGL builds it keeps no statistics (rpmalloc_global_statistics reads 0: built"
                        + " without ENABLE_STATISTICS).";
    }

    @Override
    public void free(long handle, long size, long align) {
        ready();
        RPmalloc.nrpfree(handle);
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        ready();
        long p = RPmalloc.nrpaligned_realloc(handle, align, newSize, oldSize, 0);
        return p == 0 ? FAILED : p;
    }

    @Override
    public void close() {
        // rpmalloc is process-wide: blocks are freed by the caller; rpmalloc_finalize() would break
        // other instances and threads still initialised.
    }
}

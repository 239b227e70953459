package dev.talc.bench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.lwjgl.system.jemalloc.JEmalloc;

/**
 * jemalloc, as bundled by LWJGL 3.4.3 (lwjgl-jemalloc with its natives-linux jar), through its
 * non-standard API: mallocx / rallocx / sdallocx with a MALLOCX_LG_ALIGN flag.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Everything native: mallocx and rallocx take the alignment as a flag (needed above 8 bytes for blocks
 * under 16 bytes, above 16 otherwise), sdallocx takes the size back (sized free). calloc (trace replay):
 * mallocx with MALLOCX_ZERO. Called through LWJGL's JNI bindings (a JNI transition per call). Thread-safe. Memory
 * comes from the OS, without a fixed bound.
 */
public final class JemallocAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Everything native: mallocx and rallocx take the alignment as a flag (needed above 8"
            + " bytes for blocks under 16 bytes, above 16 otherwise), sdallocx takes the size back (sized free). calloc"
            + " (trace replay): mallocx with MALLOCX_ZERO. Called through LWJGL's JNI bindings (a JNI transition per"
            + " call). Thread-safe. Memory comes from the OS, without a fixed bound.";

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
    public long calloc(long size, long align) {
        long p = JEmalloc.nje_mallocx(Math.max(1, size), flags(size, align) | JEmalloc.MALLOCX_ZERO);
        return p == 0 ? FAILED : p;
    }

    /** Scratch for mallctl: names as C strings, and one 8-byte value with its length. */
    private static final class Ctl {
        static final Arena ARENA = Arena.global();
        static final MemorySegment EPOCH = ARENA.allocateFrom("epoch");
        static final MemorySegment RESIDENT = ARENA.allocateFrom("stats.resident");
        static final MemorySegment PURGE = ARENA.allocateFrom("arena." + JEmalloc.MALLCTL_ARENAS_ALL + ".purge");
        static final MemorySegment VALUE = ARENA.allocate(8, 8);
        static final MemorySegment LENGTH = ARENA.allocate(8, 8);
    }

    /** mallctl("epoch") to refresh the statistics, then "stats.resident"; -1 if either fails. */
    @Override
    public long footprintBytes() {
        synchronized (Ctl.class) {
            Ctl.VALUE.set(ValueLayout.JAVA_LONG, 0, 1);
            if (JEmalloc.nje_mallctl(Ctl.EPOCH.address(), 0, 0, Ctl.VALUE.address(), 8) != 0) {
                return -1;
            }
            Ctl.LENGTH.set(ValueLayout.JAVA_LONG, 0, 8);
            if (JEmalloc.nje_mallctl(Ctl.RESIDENT.address(), Ctl.VALUE.address(), Ctl.LENGTH.address(), 0, 0) != 0) {
                return -1;
            }
            return Ctl.VALUE.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** mallctl("arena.&lt;all&gt;.purge"): dirty pages left by earlier passes go back to the OS. */
    @Override
    public void prepareFootprint() {
        synchronized (Ctl.class) {
            JEmalloc.nje_mallctl(Ctl.PURGE.address(), 0, 0, 0, 0);
        }
    }

    @Override
    public String footprintNotes() {
        if (footprintBytes() < 0) {
            return "n/a: jemalloc as LWJGL builds it keeps no statistics (mallctl stats.resident fails with ENOENT: built"
                    + " with --disable-stats).";
        }
        return "Footprint: jemalloc's stats.resident (physically resident pages it mapped: live blocks, unused dirty"
                + " pages, its metadata) after mallctl(\"epoch\"), read every 256 events and at the trace's live-bytes"
                + " peak during the untimed footprint pass; the figure is the largest reading minus the one just before"
                + " the pass, taken after purging every arena. jemalloc serves only this adapter in the JVM.";
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

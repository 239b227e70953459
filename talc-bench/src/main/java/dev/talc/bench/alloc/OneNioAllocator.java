package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;

import one.nio.mem.Malloc;
import one.nio.mem.MallocMT;
import one.nio.mem.OutOfMemoryException;
import one.nio.mgt.Management;

/**
 * one-nio Malloc / MallocMT (ru.odnoklassniki:one-nio 2.3.0): a simplified dlmalloc on sun.misc.Unsafe
 * over a caller-given region, here a zeroed, pre-touched region from the {@link ArenaPool} (a zero first KiB
 * makes Malloc format a fresh heap instead of re-opening an image).
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Malloc: no alignment parameter (blocks are 8-aligned): for align &gt; 8 the adapter allocates
 * size+align bytes, rounds the address up and keeps the original pointer in the 8 bytes just below the
 * aligned address (align bytes of overhead, no side table). No realloc: allocate+copy+free. No calloc:
 * allocate and a zero fill. int sizes:
 * requests over 1 GiB fail. Exhaustion throws OutOfMemoryException, caught as a failure. Thread-safe
 * through synchronized methods (one global lock). Uses sun.misc.Unsafe (JDK 25 warns unless
 * --sun-misc-unsafe-memory-access=allow).
 * <p>MallocMT: the same up to the failure sentence, then: The arena is split into 8 segments with one
 * lock each (a random one is tried first), so one block can be at most 1/8 of the arena. Uses
 * sun.misc.Unsafe (JDK 25 warns unless --sun-misc-unsafe-memory-access=allow).
 */
public final class OneNioAllocator extends AbstractBenchAllocator {

    private static final String COMMON = "no alignment parameter (blocks are 8-aligned): for align > 8 the adapter allocates"
            + " size+align bytes, rounds the address up and keeps the original pointer in the 8 bytes just below the"
            + " aligned address (align bytes of overhead, no side table). No realloc: allocate+copy+free. No calloc:"
            + " allocate and a zero fill. int sizes:"
            + " requests over 1 GiB fail. Exhaustion throws OutOfMemoryException, caught as a failure.";
    static final String NOTES_MALLOC = COMMON + " Thread-safe through synchronized methods (one global lock)."
            + " Uses sun.misc.Unsafe (JDK 25 warns unless --sun-misc-unsafe-memory-access=allow).";
    static final String NOTES_MT = COMMON + " The arena is split into 8 segments with one lock each (a random one is"
            + " tried first), so one block can be at most 1/8 of the arena."
            + " Uses sun.misc.Unsafe (JDK 25 warns unless --sun-misc-unsafe-memory-access=allow).";

    /** The largest request one-nio's chunk format can hold (MAX_CHUNK = 1 GiB + header), with slack. */
    private static final long MAX_REQUEST = (1L << 30) - 64;
    private static final long NATURAL_ALIGN = 8;

    private final MemorySegment region;
    private final Malloc malloc;
    private final long capacity;

    /**
     * @param arenaBytes    arena size; rounded down to a multiple of 8 (of 64 for {@code MallocMT})
     * @param multiThreaded {@code MallocMT} (8 segments) instead of {@code Malloc}
     */
    public OneNioAllocator(long arenaBytes, boolean multiThreaded) {
        super(multiThreaded ? "one-nio MallocMT" : "one-nio Malloc", multiThreaded ? NOTES_MT : NOTES_MALLOC, true);
        this.capacity = arenaBytes & (multiThreaded ? ~63L : ~7L);
        this.region = ArenaPool.acquire(capacity);
        try {
            // Pool memory is zeroed (and touched): one-nio then formats a fresh heap.
            this.malloc = multiThreaded ? new MallocMT(region.address(), capacity) : new Malloc(region.address(), capacity);
        } catch (RuntimeException | Error e) {
            ArenaPool.release(region);
            throw e;
        }
    }

    @Override
    public long allocate(long size, long align) {
        if (align <= NATURAL_ALIGN) {
            return raw(size);
        }
        long raw = raw(size + align);
        if (raw == FAILED) {
            return FAILED;
        }
        return Mem.alignUpWithHeader(raw, align, raw);
    }

    private long raw(long size) {
        if (size > MAX_REQUEST) {
            return FAILED;
        }
        try {
            return malloc.malloc((int) size);
        } catch (OutOfMemoryException e) {
            return FAILED;
        }
    }

    @Override
    public void free(long handle, long size, long align) {
        malloc.free(align <= NATURAL_ALIGN ? handle : Mem.headerBelow(handle));
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        return reallocateByCopy(handle, oldSize, align, newSize);
    }

    @Override
    public long arenaBytes() {
        return capacity;
    }

    @Override
    public void close() {
        // one-nio registers an MXBean per heap (and per MallocMT segment); drop them so closed
        // instances do not stay reachable from the platform MBean server.
        long base = malloc.base();
        if (malloc instanceof MallocMT mt) {
            unregister("one.nio.mem:type=MallocMT,base=" + Long.toHexString(base));
            for (int i = 0; i < mt.segments(); i++) {
                unregister("one.nio.mem:type=Malloc,base=" + Long.toHexString(mt.segment(i).base()));
            }
        } else {
            unregister("one.nio.mem:type=Malloc,base=" + Long.toHexString(base));
        }
        ArenaPool.release(region);
    }

    private static void unregister(String name) {
        try {
            Management.unregisterMXBean(name);
        } catch (RuntimeException ignored) {
            // not registered (registration failures are only logged by one-nio)
        }
    }
}

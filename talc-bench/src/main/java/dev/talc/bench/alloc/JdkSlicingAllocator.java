package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * SegmentAllocator.slicingAllocator over one zeroed, pre-touched region from the {@link ArenaPool}: a bump pointer,
 * the speed limit for allocation (what an allocator costs when it does no bookkeeping at all).
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>A bump pointer that never reuses memory: free is a no-op, realloc is allocate+copy (the old block
 * stays used), so it fails as soon as the arena has been handed out once, and its heap efficiency only
 * counts what was never freed. Alignment is native. Exhaustion throws IndexOutOfBoundsException, caught as
 * a failure. Not thread-safe.
 */
public final class JdkSlicingAllocator extends AbstractBenchAllocator {

    static final String NOTES = "A bump pointer that never reuses memory: free is a no-op, realloc is allocate+copy"
            + " (the old block stays used), so it fails as soon as the arena has been handed out once, and its heap"
            + " efficiency only counts what was never freed. Alignment is native. Exhaustion throws"
            + " IndexOutOfBoundsException, caught as a failure. Not thread-safe.";

    private final MemorySegment region;
    private final long bytes;
    private final SegmentAllocator slicer;

    public JdkSlicingAllocator(long arenaBytes) {
        super("JDK slicingAllocator", NOTES, false);
        this.bytes = arenaBytes;
        this.region = ArenaPool.acquire(arenaBytes); // zeroed and touched
        this.slicer = SegmentAllocator.slicingAllocator(region);
    }

    @Override
    public long allocate(long size, long align) {
        try {
            return slicer.allocate(size, align).address();
        } catch (IndexOutOfBoundsException e) {
            return FAILED;
        }
    }

    @Override
    public void free(long handle, long size, long align) {
        // A bump pointer cannot free.
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        return reallocateByCopy(handle, oldSize, align, newSize); // the free in it does nothing
    }

    @Override
    public long arenaBytes() {
        return bytes;
    }

    @Override
    public void close() {
        ArenaPool.release(region);
    }
}

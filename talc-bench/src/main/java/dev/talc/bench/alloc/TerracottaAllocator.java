package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.terracotta.offheapstore.buffersource.BufferSource;
import org.terracotta.offheapstore.paging.OffHeapStorageArea;
import org.terracotta.offheapstore.paging.Page;
import org.terracotta.offheapstore.paging.PageSource;
import org.terracotta.offheapstore.paging.UpfrontAllocatingPageSource;
import org.terracotta.offheapstore.storage.PointerSize;

/**
 * Terracotta offheap-store 2.5.3: the dlmalloc-derived best-fit allocator (IntegerBestFitAllocator)
 * behind an OffHeapStorageArea, fed by an UpfrontAllocatingPageSource. Handles are offsets into the
 * storage area; the area is one page spanning the whole arena, a zeroed, pre-touched region from the
 * {@link ArenaPool} handed out through the adapter's BufferSource, so offsets map to one contiguous region and bytes
 * are read and written there directly.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>No alignment parameter (blocks are 8-aligned): for align &gt; 8 the adapter allocates size+align
 * bytes, rounds the address up and keeps the original offset in the 8 bytes just below the aligned
 * address (align bytes of overhead, no side table). No realloc: allocate+copy+free. One page of the whole
 * arena, whose size must be a power of two of at most 1 GiB: the arena is rounded down to one. Not
 * thread-safe (callers must hold the owner's lock): used by one thread at a time.
 * <p>The locked variant: the same up to the page sentence, then: Not thread-safe by itself: every call
 * takes the owner's ReentrantLock, as Terracotta's own maps do.
 */
public final class TerracottaAllocator extends AbstractBenchAllocator {

    private static final String COMMON = "No alignment parameter (blocks are 8-aligned): for align > 8 the adapter allocates"
            + " size+align bytes, rounds the address up and keeps the original offset in the 8 bytes just below the"
            + " aligned address (align bytes of overhead, no side table). No realloc: allocate+copy+free. One page of"
            + " the whole arena, whose size must be a power of two of at most 1 GiB: the arena is rounded down to one.";
    static final String NOTES_PLAIN = COMMON
            + " Not thread-safe (callers must hold the owner's lock): used by one thread at a time.";
    static final String NOTES_LOCKED = COMMON
            + " Not thread-safe by itself: every call takes the owner's ReentrantLock, as Terracotta's own maps do.";

    private static final long NATURAL_ALIGN = 8;
    /** OffHeapStorageArea's largest page (Integer.highestOneBit(Integer.MAX_VALUE)). */
    private static final long MAX_PAGE = 1L << 30;

    private final boolean locked;
    private final ReentrantLock lock = new ReentrantLock();
    /** The pool segment behind the storage area's page, once it has been taken. */
    private volatile MemorySegment region;
    private final OffHeapStorageArea storage;
    private final long pageBytes;
    /** Native address of storage offset 0. */
    private final long base;

    /**
     * @param arenaBytes arena size, rounded down to a power of two of at most 1 GiB
     * @param locked     take a lock around every call (thread-safe variant)
     */
    public TerracottaAllocator(long arenaBytes, boolean locked) {
        super(locked ? "Terracotta (locked)" : "Terracotta", locked ? NOTES_LOCKED : NOTES_PLAIN, locked);
        if (arenaBytes < 4096) {
            throw new IllegalArgumentException("arena too small: " + arenaBytes);
        }
        this.locked = locked;
        this.pageBytes = Math.min(MAX_PAGE, Long.highestOneBit(arenaBytes));
        try {
            BufferSource buffers = size -> {
                if (region != null) {
                    return null; // one page only: the storage area never asks twice
                }
                region = ArenaPool.acquire(size);
                return region.asByteBuffer();
            };
            RecordingPageSource pages = new RecordingPageSource(
                    new UpfrontAllocatingPageSource(buffers, pageBytes, (int) pageBytes));
            this.storage = new OffHeapStorageArea(PointerSize.INT, new LockOwner(lock), pages,
                    (int) pageBytes, (int) pageBytes, false, false);
            // The storage area takes its (only) page on first use: do that now to learn its address.
            long probe = storage.allocate(8);
            if (probe < 0 || pages.page == null) {
                throw new IllegalStateException("Terracotta storage area did not take its page");
            }
            storage.free(probe);
            this.base = MemorySegment.ofBuffer(pages.page.asByteBuffer()).address();
        } catch (RuntimeException | Error e) {
            if (region != null) {
                ArenaPool.release(region);
            }
            throw e;
        }
    }

    @Override
    public long allocate(long size, long align) {
        if (!locked) {
            return allocate0(size, align);
        }
        lock.lock();
        try {
            return allocate0(size, align);
        } finally {
            lock.unlock();
        }
    }

    private long allocate0(long size, long align) {
        if (align <= NATURAL_ALIGN) {
            return raw(size);
        }
        long raw = raw(size + align);
        if (raw == FAILED) {
            return FAILED;
        }
        // Align the real address (base + offset), keeping the offset.
        return Mem.alignUpWithHeader(base + raw, align, raw) - base;
    }

    private long raw(long size) {
        if (size > pageBytes) {
            return FAILED;
        }
        long offset = storage.allocate(size);
        return offset < 0 ? FAILED : offset;
    }

    @Override
    public void free(long handle, long size, long align) {
        if (!locked) {
            free0(handle, align);
            return;
        }
        lock.lock();
        try {
            free0(handle, align);
        } finally {
            lock.unlock();
        }
    }

    private void free0(long handle, long align) {
        storage.free(align <= NATURAL_ALIGN ? handle : Mem.headerBelow(base + handle));
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        if (locked) {
            lock.lock();
        }
        try {
            long moved = allocate0(newSize, align);
            if (moved == FAILED) {
                return FAILED;
            }
            Mem.copy(base + handle, base + moved, Math.min(oldSize, newSize));
            free0(handle, align);
            return moved;
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    /** Handles are offsets into the storage area's page. */
    @Override
    public long address(long handle) {
        return base + handle;
    }

    @Override
    public long arenaBytes() {
        return pageBytes;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            storage.destroy();
        } finally {
            lock.unlock();
        }
        ArenaPool.release(region);
    }

    /** Passes pages through, remembering the last one handed out (the storage area's only page). */
    private static final class RecordingPageSource implements PageSource {
        private final PageSource delegate;
        volatile Page page;

        RecordingPageSource(PageSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Page allocate(int size, boolean thief, boolean victim, OffHeapStorageArea owner) {
            Page p = delegate.allocate(size, thief, victim, owner);
            if (p != null) {
                page = p;
            }
            return p;
        }

        @Override
        public void free(Page p) {
            delegate.free(p);
        }
    }

    /** The storage area's owner: holds the lock, never moves or evicts anything. */
    private record LockOwner(Lock lock) implements OffHeapStorageArea.Owner {
        @Override
        public Collection<Long> evictAtAddress(long address, boolean shrink) {
            return List.of();
        }

        @Override
        public Lock writeLock() {
            return lock;
        }

        @Override
        public boolean isThief() {
            return false;
        }

        @Override
        public boolean moved(long from, long to) {
            return false;
        }

        @Override
        public int sizeOf(long address) {
            throw new UnsupportedOperationException("compaction is off");
        }
    }
}

package dev.talc.bench.workload;

import dev.talc.bench.alloc.BenchAllocator;

/**
 * The live blocks of one workload thread, in three parallel primitive arrays (handle, size, alignment), so
 * the measured loops allocate no Java objects. Removal is swap-remove, as Talc's Rust benchmarks do with
 * {@code Vec::swap_remove}.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class LiveBlocks {

    final long[] handles;
    final long[] sizes;
    final long[] aligns;
    int count;

    /** Room for {@code capacity} blocks. */
    public LiveBlocks(int capacity) {
        handles = new long[capacity];
        sizes = new long[capacity];
        aligns = new long[capacity];
    }

    /** Live blocks now. */
    public int count() {
        return count;
    }

    /** Capacity. */
    public int capacity() {
        return handles.length;
    }

    /** Sum of the live blocks' sizes. */
    public long liveBytes() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += sizes[i];
        }
        return sum;
    }

    void add(long handle, long size, long align) {
        handles[count] = handle;
        sizes[count] = size;
        aligns[count] = align;
        count++;
    }

    /** Frees block {@code k} and swap-removes it. */
    void free(BenchAllocator a, int k) {
        a.free(handles[k], sizes[k], aligns[k]);
        int last = --count;
        handles[k] = handles[last];
        sizes[k] = sizes[last];
        aligns[k] = aligns[last];
    }

    /** Frees every live block (newest first) and empties the list. */
    public void freeAll(BenchAllocator a) {
        for (int i = count - 1; i >= 0; i--) {
            a.free(handles[i], sizes[i], aligns[i]);
        }
        count = 0;
    }
}

package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The floor of the harness: the least bookkeeping that still reuses memory the way an allocator does.
 * Blocks come in power-of-two slots; a freed slot goes on a LIFO stack of its size (a Java array) and is
 * the next one handed out for that size, so the memory the workload touches stays as warm as a real
 * allocator's. Its score is what the workload loop itself costs (random numbers, the live-block arrays,
 * writing each new block's first and last byte, copying on realloc); an allocator's own cost per
 * operation is, roughly, its time per operation minus this floor's. (A plain bump pointer is no floor:
 * it writes to cold memory every time and copies on every realloc, and is slower than Talc at large M.)
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Not a general allocator: power-of-two slots with one LIFO stack of freed slots per size, no headers,
 * no merging, no alignment beyond the slot size; a block is never split or merged, so up to half of each
 * slot is wasted, and when its 128 MiB region is used up it starts again at the bottom, overwriting old
 * slots. It measures the harness loop itself, the floor under every other figure. Not thread-safe.
 */
public final class HarnessFloorAllocator extends AbstractBenchAllocator {

    static final String NOTES = "Not a general allocator: power-of-two slots with one LIFO stack of freed slots per"
            + " size, no headers, no merging, no alignment beyond the slot size; a block is never split or merged, so"
            + " up to half of each slot is wasted, and when its 128 MiB region is used up it starts again at the"
            + " bottom, overwriting old slots. It measures the harness loop itself, the floor under every other"
            + " figure. Not thread-safe.";

    /** Always this size, whatever the workload asks for. */
    private static final long REGION_BYTES = 128L << 20;

    private final MemorySegment region;
    private final long[][] stacks = new long[64][];
    private final int[] depths = new int[64];
    private long top;

    public HarnessFloorAllocator() {
        super("Harness floor", NOTES, false);
        this.region = ArenaPool.acquire(REGION_BYTES);
    }

    /** The slot class of a block: slots of 2^k bytes, at least 16, large enough for the alignment. */
    private static int slotClass(long size, long align) {
        long bytes = Math.max(Math.max(size, align), 16);
        return 64 - Long.numberOfLeadingZeros(bytes - 1);
    }

    @Override
    public long allocate(long size, long align) {
        int k = slotClass(size, align);
        if (depths[k] > 0) {
            return stacks[k][--depths[k]];
        }
        long slot = 1L << k;
        long offset = (top + slot - 1) & -slot; // a slot aligned to its size is aligned enough
        if (offset + slot > REGION_BYTES) {
            offset = 0;
        }
        top = offset + slot;
        return offset;
    }

    @Override
    public void free(long handle, long size, long align) {
        int k = slotClass(size, align);
        long[] stack = stacks[k];
        if (stack == null || depths[k] == stack.length) {
            stacks[k] = stack = stack == null ? new long[1024] : Arrays.copyOf(stack, stack.length * 2);
        }
        stack[depths[k]++] = handle;
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        if (slotClass(oldSize, align) == slotClass(newSize, align)) {
            return handle;
        }
        return reallocateByCopy(handle, oldSize, align, newSize);
    }

    @Override
    public long address(long handle) {
        return region.address() + handle;
    }

    @Override
    public void close() {
        ArenaPool.release(region);
    }
}

package dev.talc;

import java.util.Arrays;

/**
 * The set of live blocks {@code offset → byteSize}, kept only in checked mode so that every invalid
 * free, grow, shrink or realloc is rejected (random offsets, interior pointers, wrong sizes, double frees
 * after the memory was reused), which boundary tags alone cannot promise.
 *
 * <h2>Design note</h2>
 * Open addressing with linear probing over two {@code long[]} (no boxing, no garbage per call), load
 * factor at most 1/2, deletion by backward shift (no tombstones, so probe lengths stay short).
 * Keys are stored as {@code offset + 1} so that 0 marks an empty slot. Cost: 32 bytes of Java heap
 * per live block at worst, and one hash probe per operation.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class BlockRegistry {
    private static final long EMPTY = 0;

    private long[] keys = new long[64];
    private long[] sizes = new long[64];
    private int count;
    private long totalBytes;

    int count() {
        return count;
    }

    long totalBytes() {
        return totalBytes;
    }

    /** The recorded size of the live block at {@code offset}, or -1. */
    long sizeOf(long offset) {
        int slot = slotOf(offset);
        return keys[slot] == EMPTY ? -1 : sizes[slot];
    }

    void add(long offset, long byteSize) {
        if ((count + 1) * 2 > keys.length) {
            grow();
        }
        int slot = slotOf(offset);
        if (keys[slot] == EMPTY) {
            keys[slot] = offset + 1;
            count++;
        } else {
            totalBytes -= sizes[slot];
        }
        sizes[slot] = byteSize;
        totalBytes += byteSize;
    }

    void remove(long offset) {
        int mask = keys.length - 1;
        int slot = slotOf(offset);
        if (keys[slot] == EMPTY) {
            return;
        }
        totalBytes -= sizes[slot];
        count--;
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        int hole = slot;
        for (int i = (hole + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int home = home(keys[i] - 1, mask);
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                sizes[hole] = sizes[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        sizes[hole] = 0;
    }

    /** Calls {@code visitor} for every live block (in no particular order). */
    void forEach(java.util.function.LongBinaryOperator visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.applyAsLong(keys[i] - 1, sizes[i]);
            }
        }
    }

    private int slotOf(long offset) {
        int mask = keys.length - 1;
        int slot = home(offset, mask);
        long key = offset + 1;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int home(long offset, int mask) {
        long h = (offset >>> 3) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldSizes = sizes;
        keys = new long[oldKeys.length * 2];
        sizes = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = home(oldKeys[i] - 1, mask);
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                sizes[slot] = oldSizes[i];
            }
        }
    }

    @Override
    public String toString() {
        return "BlockRegistry[count=" + count + ", totalBytes=" + totalBytes + ", capacity=" + keys.length
                + ", keys=" + Arrays.stream(keys).filter(k -> k != EMPTY).count() + "]";
    }
}

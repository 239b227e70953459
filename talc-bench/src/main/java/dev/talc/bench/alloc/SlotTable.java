package dev.talc.bench.alloc;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Handles for object-based peers (a Netty {@code ByteBuf}, one {@code Arena} per block): slot {@code i}
 * holds the object and the block's raw (aligned) address. Garbage-light: slots live in fixed chunks of
 * 4096 that are made once and never move (so a slot written by one thread is never lost to another
 * thread's growth), and freed slot numbers go on an {@code int} stack. After warm-up, acquiring and
 * releasing a slot allocates nothing.
 *
 * <p>When {@code shared}, {@link #acquire} and {@link #release} take this table's monitor (a short
 * critical section); {@link #object}, {@link #address} and {@link #setAddress} need no lock, since the
 * thread that uses a slot is the one that acquired it, or got the handle with a happens-before edge.
 */
final class SlotTable<T> {

    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MASK = CHUNK - 1;
    /** 2^14 chunks of 2^12 slots: 64 Mi live blocks, far more than any workload keeps. */
    private static final int MAX_CHUNKS = 1 << 14;

    private final boolean shared;
    private final Object[][] objects = new Object[MAX_CHUNKS][];
    private final long[][] addresses = new long[MAX_CHUNKS][];
    private int[] freeSlots = new int[CHUNK];
    private int freeCount;
    private int nextFresh;

    SlotTable(boolean shared) {
        this.shared = shared;
    }

    /** Stores a new block and returns its slot, or -1 when the table is full. */
    int acquire(T object, long address) {
        if (shared) {
            synchronized (this) {
                return acquire0(object, address);
            }
        }
        return acquire0(object, address);
    }

    /**
     * {@link #acquire} for an adapter: the slot as a handle, or {@link BenchAllocator#FAILED} when the table is
     * full, after {@code discard} has let go of the object.
     */
    long handle(T object, long address, Consumer<? super T> discard) {
        int slot = acquire(object, address);
        if (slot < 0) {
            discard.accept(object);
            return BenchAllocator.FAILED;
        }
        return slot;
    }

    private int acquire0(T object, long address) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            slot = nextFresh;
            int chunk = slot >>> CHUNK_BITS;
            if (chunk >= MAX_CHUNKS) {
                return -1;
            }
            if (objects[chunk] == null) {
                objects[chunk] = new Object[CHUNK];
                addresses[chunk] = new long[CHUNK];
            }
            nextFresh = slot + 1;
        }
        objects[slot >>> CHUNK_BITS][slot & MASK] = object;
        addresses[slot >>> CHUNK_BITS][slot & MASK] = address;
        return slot;
    }

    /** Forgets a slot's object, which it returns, and makes the slot reusable. */
    T release(int slot) {
        if (shared) {
            synchronized (this) {
                return release0(slot);
            }
        }
        return release0(slot);
    }

    private T release0(int slot) {
        T object = object(slot);
        objects[slot >>> CHUNK_BITS][slot & MASK] = null;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeCount++] = slot;
        return object;
    }

    @SuppressWarnings("unchecked")
    T object(int slot) {
        return (T) objects[slot >>> CHUNK_BITS][slot & MASK];
    }

    long address(int slot) {
        return addresses[slot >>> CHUNK_BITS][slot & MASK];
    }

    void setObject(int slot, T object) {
        objects[slot >>> CHUNK_BITS][slot & MASK] = object;
    }

    void setAddress(int slot, long address) {
        addresses[slot >>> CHUNK_BITS][slot & MASK] = address;
    }

    /** Calls {@code action} on every live object, then empties the table (used by {@code close()}). */
    void drain(Consumer<T> action) {
        if (shared) {
            synchronized (this) {
                drain0(action);
            }
        } else {
            drain0(action);
        }
    }

    @SuppressWarnings("unchecked")
    private void drain0(Consumer<T> action) {
        for (int slot = 0; slot < nextFresh; slot++) {
            Object o = objects[slot >>> CHUNK_BITS][slot & MASK];
            if (o != null) {
                objects[slot >>> CHUNK_BITS][slot & MASK] = null;
                action.accept((T) o);
            }
        }
        freeCount = 0;
        nextFresh = 0;
    }
}

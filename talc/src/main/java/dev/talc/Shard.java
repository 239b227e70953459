package dev.talc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One part of a {@link ConcurrentTalc}: a {@link Talc} over some heaps of the shared memory, and the
 * lock that guards it.
 *
 * <h2>Design note</h2>
 * The lock is a test-and-test-and-set spin lock: acquiring costs one CAS when free, releasing is a
 * plain release store (no atomic instruction on x86), which makes the uncontended case, the common one
 * when each thread keeps to its own shard, as cheap as a lock can be. The first attempt of
 * {@link #lock()} and {@link #tryLockNow()} CASes without reading first (about a nanosecond less per
 * operation on the development VM, near its noise); waiters and {@link #tryLock()} read before they
 * CAS, so they do not write a held lock's line. Critical sections are short (tens of nanoseconds;
 * copies of reallocated blocks happen outside the lock), so a waiter spins with
 * {@link Thread#onSpinWait()} and, after a while, yields ({@link Thread#yield()} also lets a virtual
 * thread's carrier run others: nothing here pins or parks a carrier).
 */
final class Shard extends ShardPadAfter {
    private static final VarHandle STATE;
    private static final int SPINS_BEFORE_YIELD = 256;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ShardState.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Talc talc;
    final int index;

    Shard(Talc talc, int index) {
        this.talc = talc;
        this.index = index;
    }

    /** Takes the lock if it is free; never waits. */
    boolean tryLock() {
        return (long) STATE.getAcquire(this) == 0L && STATE.compareAndSet(this, 0L, 1L);
    }

    /** Takes the lock if it is free, with one CAS and no read first (for locks that are rarely taken). */
    boolean tryLockNow() {
        return STATE.compareAndSet(this, 0L, 1L);
    }

    /** Takes the lock, spinning (then yielding) while another thread holds it. */
    void lock() {
        if (!tryLockNow()) {
            lockSlow();
        }
    }

    private void lockSlow() {
        int spins = 0;
        do {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        } while (!tryLock());
    }

    void unlock() {
        STATE.setRelease(this, 0L);
    }
}

/*
 * The lock word, padded by 64 bytes on each side (JCTools' layout trick: HotSpot places a superclass's
 * fields before its subclass's), so that two shards' locks, written on every operation by different
 * threads, never share a cache line.
 */

/** Padding before the lock word. */
abstract class ShardPadBefore {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The lock word: 0 free, 1 taken. */
abstract class ShardState extends ShardPadBefore {
    @SuppressWarnings("unused") // accessed through Shard.STATE
    volatile long state;
}

/** Padding after the lock word. */
abstract class ShardPadAfter extends ShardState {
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}

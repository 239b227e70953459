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
 * when each thread keeps to its own shard, as cheap as a lock can be. Critical sections are short
 * (tens of nanoseconds; copies of reallocated blocks happen outside the lock), so a waiter spins with
 * {@link Thread#onSpinWait()} and, after a while, yields ({@link Thread#yield()} also lets a virtual
 * thread's carrier run others: nothing here pins or parks a carrier).
 */
final class Shard {
    private static final VarHandle STATE;
    private static final int SPINS_BEFORE_YIELD = 256;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Shard.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Talc talc;
    final int index;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    Shard(Talc talc, int index) {
        this.talc = talc;
        this.index = index;
    }

    /** Takes the lock if it is free; never waits. */
    boolean tryLock() {
        return state == 0 && STATE.compareAndSet(this, 0, 1);
    }

    /** Takes the lock, spinning (then yielding) while another thread holds it. */
    void lock() {
        if (!tryLock()) {
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
        STATE.setRelease(this, 0);
    }
}

package dev.talc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One part of a {@link ConcurrentTalc}: a {@link Talc} over some heaps of the shared memory, the lock
 * that guards it, and what the shard knows it cannot serve.
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
 *
 * <p>A full shard fails fast. A request that fails in a {@link Talc} has searched everything (its quick
 * bins flushed, every partly fitting gap looked at), so until the shard gains a free chunk of at least
 * that size, any request at least as large and at least as aligned fails too. The shard remembers the
 * last failed request {@code (unfitSize, unfitAlignment)}; {@link ConcurrentTalc} reads it before taking
 * the lock and goes elsewhere at once (a stale read, from a race with another thread, changes only
 * where a block goes: the last, all-locked attempt asks every {@code talc} itself). A free forgets it
 * when the gap it leaves (merged with its free neighbours) is at least {@code unfitSize} bytes, or when
 * the quick bins keep its chunk (they were empty after the failed search, and a later flush could merge
 * what they keep with gaps around it); any other operation that may free memory forgets it always.
 * Invariant (lock held): {@code unfitSize < Long.MAX_VALUE} implies that a request of {@code unfitSize}
 * bytes aligned to {@code unfitAlignment} fails in {@code talc} now. Without this, a thread whose home
 * shard had filled paid a full search there before every allocation it then made elsewhere (1-thread
 * random actions at M=30000 without realloc ran at about 0.6x of Talc). Sending the thread to another
 * shard instead (a new home) cost 4.6 points of heap efficiency: from shard order (first fit) to next
 * fit.
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
    /** Whether failures are remembered: only for a talc that fails at once (no {@link OomHandler} to call). */
    private final boolean remembersFailures;
    /** The last request that failed since the shard last gained free memory; Long.MAX_VALUE if none. */
    private long unfitSize = Long.MAX_VALUE;
    private long unfitAlignment = Long.MAX_VALUE;

    /** A shard whose talc fails at once when it is full, so that failures can be remembered. */
    Shard(Talc talc, int index) {
        this(talc, index, true);
    }

    Shard(Talc talc, int index, boolean remembersFailures) {
        this.talc = talc;
        this.index = index;
        this.remembersFailures = remembersFailures;
    }

    /** Whether the shard's talc fails at once when full (no {@link OomHandler} of its own to call). */
    boolean failsAtOnce() {
        return remembersFailures;
    }

    /** Allocates in this shard (lock held), remembering the request if it fails. */
    long tryAllocate(long byteSize, long byteAlignment) {
        long offset = talc.tryAllocate(byteSize, byteAlignment);
        if (offset < 0 && remembersFailures) {
            unfitSize = byteSize;
            unfitAlignment = byteAlignment;
        }
        return offset;
    }

    /** Frees a block of this shard (lock held), forgetting the remembered failure if it may now fit. */
    void free(long offset, long byteSize) {
        if (talc.freeReturningGapSize(offset, byteSize) >= unfitSize) {
            unfitSize = Long.MAX_VALUE;
        }
    }

    /** Forgets the remembered failure after the shard may have gained free memory (lock held). */
    void gainedFreeMemory() {
        unfitSize = Long.MAX_VALUE;
    }

    /**
     * Whether this request is known not to fit (a plain read: callers may hold no lock, see the note);
     * never for an invalid alignment, which {@link Talc#tryAllocate} rejects with an exception.
     */
    boolean knownNotToFit(long byteSize, long byteAlignment) {
        return byteSize >= unfitSize && byteAlignment >= unfitAlignment && (byteAlignment & (byteAlignment - 1)) == 0;
    }

    /**
     * Checks the invariant of the remembered failure by trying that request (lock held): it must fail,
     * and a failed request changes nothing but the quick bins' flush. For tests, after every step.
     *
     * @throws IllegalStateException if the remembered request fits
     */
    void checkRememberedFailure() {
        if (unfitSize == Long.MAX_VALUE) {
            return;
        }
        long offset = talc.tryAllocate(unfitSize, unfitAlignment);
        if (offset >= 0) {
            talc.free(offset, unfitSize);
            throw Errors.invariant("remembered-failure-still-fails", "shard=" + index + " unfitSize=" + unfitSize
                    + " unfitAlignment=" + unfitAlignment);
        }
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

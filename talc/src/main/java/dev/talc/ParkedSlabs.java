package dev.talc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where a {@link ConcurrentTalc}'s arenas leave their slab when they close, one slab per platform thread,
 * so that the thread's next arena takes it back with one lock round trip instead of two.
 *
 * <h2>Design note</h2>
 * An arena scope costs a thread-safe allocator two atomic instructions: one to take the slab, one to
 * give it back. On x86 each is a locked instruction, and with one small segment per scope the two were
 * what a {@link ConcurrentTalc} scope cost beyond a {@link Talc} one (the profile is in docs/ARENAS.md).
 * The take needs its atomic
 * (two threads may race for the same memory), the give-back does not: here it is a release store into
 * the closing thread's own slot, and the slab stays allocated in its shard, <i>parked</i>. The thread's
 * next arena, asking for a slab of the same size, takes it back under the shard's lock (one CAS: the
 * take) without any allocator work; a slab of another size is given back then and the allocator asked.
 *
 * <p>A parked slab is free memory: {@link ConcurrentTalc} gives every parked slab back
 * ({@link #giveBack}) before it reports statistics, verifies, or lets an allocation fail, each under the
 * locks of the shards concerned, so no caller can see a difference from a slab freed at close (stats as
 * before the arena opened, nothing stranded when memory runs short). Rules, with {@code parkedSize} the
 * publication word ({@code 0}: the slot is empty):
 * <ul>
 * <li>only the slot's owner thread writes a non-zero {@code parkedSize}, and only over a 0 (release
 *     store, after {@code parkedOffset} and {@code parkedShard});</li>
 * <li>anyone else sets it back to 0 only while holding {@code parkedShard}'s lock, after freeing the slab;
 *     the owner takes a slab back under that same lock;</li>
 * <li>so a parked slab is freed or taken exactly once, and never overwritten before.</li>
 * </ul>
 * Slots are direct-mapped by the low bits of the thread id, as {@link ConcurrentTalc}'s homes; a slot is
 * claimed (under this object's monitor, once per thread) when it is empty or its owner has ended, whose
 * slab is given back first. A thread whose slot belongs to another live thread, and every virtual thread
 * (short-lived, and possibly millions), frees at close as before. Checked mode (a {@link BlockRegistry})
 * never parks: its registry is not thread-safe, and every free there is checked at once. Nor does a
 * {@link ConcurrentTalc#locked(Talc)} over a talc with an {@link OomHandler}: the talc would call its
 * handler, which may claim more memory, before {@link ConcurrentTalc} could give a parked slab back.
 *
 * <p>Alternatives: a {@code ThreadLocal} per allocator (a stale entry keeps a dropped allocator reachable
 * from every thread that used it); a slot per shard instead of per thread (the give-back needs that
 * shard's lock again); parking every small block, not only arena slabs (a per-thread cache: the take
 * still needs its atomic, and raw frees are validated under the lock, which parking would skip).
 */
final class ParkedSlabs {
    private static final int SLOTS = 64;
    private static final VarHandle PARKED_SIZE;
    private static final VarHandle SLOT;

    static {
        try {
            PARKED_SIZE = MethodHandles.lookup().findVarHandle(Slot.class, "parkedSize", long.class);
            SLOT = MethodHandles.arrayElementVarHandle(Slot[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One platform thread's parking place. */
    private static final class Slot {
        final Thread owner;
        final long ownerId;
        /** Written by the owner before {@code parkedSize}. */
        long parkedOffset;
        Shard parkedShard;
        /** The parked slab's size, 0 if none (see the rules in the class note). */
        @SuppressWarnings("unused") // accessed through PARKED_SIZE too
        long parkedSize;

        Slot(Thread owner) {
            this.owner = owner;
            this.ownerId = owner.threadId();
        }
    }

    private final Slot[] slots = new Slot[SLOTS];

    /**
     * Takes back the calling thread's parked slab if it has exactly {@code size} bytes; returns its
     * offset, or -1 (then the caller allocates as usual). A parked slab of another size is given back.
     */
    long take(long size) {
        Slot slot = ownSlot();
        if (slot == null || slot.parkedSize == 0) {
            return -1;
        }
        Shard shard = slot.parkedShard;
        if (slot.parkedSize != size) {
            giveBackLocking(slot);
            return -1;
        }
        if (!shard.tryLockNow()) {
            return -1;   // busy: allocate elsewhere, keep the parked one for later
        }
        try {
            if (slot.parkedSize != size) {
                return -1;   // given back meanwhile by another thread
            }
            slot.parkedSize = 0;   // under the lock, as every other reset
            return slot.parkedOffset;
        } finally {
            shard.unlock();
        }
    }

    /**
     * Parks the slab {@code (offset, size)} of {@code shard}, live and owned by the calling thread's closing
     * arena, if the thread has an empty slot; returns false if it did not (the caller then frees it).
     */
    boolean park(long offset, long size, Shard shard) {
        if (!shard.failsAtOnce()) {
            return false;   // its talc would call its OomHandler before a parked slab could be given back
        }
        Slot slot = ownSlot();
        if (slot == null) {
            slot = claimSlot();
            if (slot == null) {
                return false;
            }
        }
        // a slab freed through the raw API meanwhile (a misuse) is not parked: the caller's free rejects it
        if ((long) PARKED_SIZE.getAcquire(slot) != 0 || !shard.talc.holdsUncheckedLiveBlock(offset, size)) {
            return false;
        }
        slot.parkedOffset = offset;
        slot.parkedShard = shard;
        PARKED_SIZE.setRelease(slot, size);
        return true;
    }

    /** Gives back every slab parked in {@code shard}, whose lock the caller holds. */
    void giveBackAll(Shard shard) {
        for (int i = 0; i < SLOTS; i++) {
            Slot slot = (Slot) SLOT.getAcquire(slots, i);
            if (slot != null && (long) PARKED_SIZE.getAcquire(slot) != 0 && slot.parkedShard == shard) {
                giveBack(slot, shard);
            }
        }
    }

    /** Whether any slab is parked (for tests). */
    boolean isEmpty() {
        for (int i = 0; i < SLOTS; i++) {
            Slot slot = (Slot) SLOT.getAcquire(slots, i);
            if (slot != null && (long) PARKED_SIZE.getAcquire(slot) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Frees the slab parked in {@code slot} (lock of {@code shard}, its shard, held) and empties the slot. */
    private static void giveBack(Slot slot, Shard shard) {
        long size = (long) PARKED_SIZE.getAcquire(slot);
        if (size != 0) {
            shard.free(slot.parkedOffset, size);
            PARKED_SIZE.setRelease(slot, 0L);
        }
    }

    /** Gives back the slab parked in {@code slot}, if any, under its shard's lock. */
    private static void giveBackLocking(Slot slot) {
        if ((long) PARKED_SIZE.getAcquire(slot) == 0) {
            return;
        }
        Shard shard = slot.parkedShard;
        shard.lock();
        try {
            giveBack(slot, shard);
        } finally {
            shard.unlock();
        }
    }

    /** The calling thread's slot, or null if it has none. */
    private Slot ownSlot() {
        long id = Thread.currentThread().threadId();
        Slot slot = slots[(int) id & (SLOTS - 1)];
        return slot != null && slot.ownerId == id ? slot : null;
    }

    /**
     * Claims the calling thread's slot if it is empty or its owner has ended (giving that owner's slab
     * back first); null for a virtual thread or a slot another live thread holds. Those two answers come
     * without taking this object's monitor, so that threads without a slot do not meet on it at every
     * close.
     */
    private Slot claimSlot() {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual()) {
            return null;
        }
        int index = (int) thread.threadId() & (SLOTS - 1);
        Slot old = (Slot) SLOT.getAcquire(slots, index);
        if (old != null && old.owner.isAlive()) {
            return null;
        }
        return claimSlot(thread, index);
    }

    /** {@link #claimSlot()} under this object's monitor, checking again. */
    private synchronized Slot claimSlot(Thread thread, int index) {
        Slot old = slots[index];
        if (old != null && old.owner.isAlive()) {
            return null;
        }
        if (old != null) {
            giveBackLocking(old);
        }
        Slot slot = new Slot(thread);
        SLOT.setRelease(slots, index, slot);
        return slot;
    }
}

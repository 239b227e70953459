package dev.talc.bench.alloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A probe, not a product: plain {@link dev.talc.Talc} with the least any lock per operation can cost
 * around every call — one CAS to take a padded lock word, a release store to give it back — and nothing
 * else (no home shard, no route, no remembered failures). Against plain Talc in a {@code paired} run it
 * measures what a thread-safe allocator that takes a lock per operation must pay at the least; against
 * ConcurrentTalc it measures what ConcurrentTalc pays beyond that. The {@code paired} command offers it
 * ({@link Contenders#probes()}), and a comparison runs it when {@code --only} names it; the comparative
 * suite does not list it.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Probe: Talc's raw API on offsets behind one spin lock taken with a CAS and released with a release
 * store, with nothing else around the call. One heap over a zeroed, pre-touched Arena.ofShared() segment of
 * the requested size (Talc.over), from the ArenaPool. Thread-safe.
 */
public class BareLockTalc extends BareLockPadAfter implements BenchAllocator {

    static final String NOTES = "Probe: Talc's raw API on offsets behind one spin lock taken with a CAS and released"
            + " with a release store, with nothing else around the call. One heap over a zeroed, pre-touched"
            + " Arena.ofShared() segment of the requested size (Talc.over), from the ArenaPool. Thread-safe.";

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BareLockState.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TalcAdapter talc;

    /**
     * Talc over fresh memory, behind the bare lock.
     *
     * @param arenaBytes the size of the heap (zeroed and pre-touched, from the {@link ArenaPool})
     */
    public BareLockTalc(long arenaBytes) {
        this.talc = new TalcAdapter(arenaBytes);
    }

    /** Taken before every call into Talc. */
    void lock() {
        while (!STATE.compareAndSet(this, 0L, 1L)) {
            Thread.onSpinWait();
        }
    }

    /** Given back after every call into Talc. */
    void unlock() {
        STATE.setRelease(this, 0L);
    }

    @Override
    public String name() {
        return Contenders.TALC_BARE_LOCK;
    }

    @Override
    public String notes() {
        return NOTES;
    }

    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public long allocate(long size, long align) {
        lock();
        try {
            return talc.allocate(size, align);
        } finally {
            unlock();
        }
    }

    @Override
    public void free(long handle, long size, long align) {
        lock();
        try {
            talc.free(handle, size, align);
        } finally {
            unlock();
        }
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        lock();
        try {
            return talc.reallocate(handle, oldSize, align, newSize);
        } finally {
            unlock();
        }
    }

    @Override
    public void touch(long handle, long offset, byte value) {
        talc.touch(handle, offset, value);
    }

    @Override
    public byte peek(long handle, long offset) {
        return talc.peek(handle, offset);
    }

    @Override
    public long address(long handle) {
        return talc.address(handle);
    }

    @Override
    public long arenaBytes() {
        return talc.arenaBytes();
    }

    @Override
    public void close() {
        talc.close();
    }
}

/* The lock word, padded by 64 bytes on each side, as ConcurrentTalc's shard locks are. */

/** Padding before the lock word. */
abstract class BareLockPadBefore {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The lock word: 0 free, 1 taken. */
abstract class BareLockState extends BareLockPadBefore {
    @SuppressWarnings("unused") // accessed through BareLockTalc.STATE
    volatile long state;
}

/** Padding after the lock word. */
abstract class BareLockPadAfter extends BareLockState {
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}

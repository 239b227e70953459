package dev.talc.bench.alloc;

import java.lang.invoke.VarHandle;

/**
 * A probe, not a product, and not thread-safe: plain {@link dev.talc.Talc} with one full fence
 * ({@link VarHandle#fullFence()}) before every call and nothing else. It measures the least that any
 * thread-safe allocator over one shared pool must pay per operation on a single thread.
 *
 * <p>Design note. Allocation and free are strongly non-commutative (two allocations race for the last
 * block that fits; two frees of one block must see exactly one of them rejected, since a double free is
 * always detected). For such operations every linearizable implementation must, even running alone,
 * perform a store followed by a load of another location with a fence between them, or an atomic
 * read-modify-write (Attiya et al., "Laws of Order", POPL 2011). On x86 both are locked instructions (a
 * full fence is {@code lock addl} on the stack), and each waits for the store buffer to drain. A
 * per-thread cache skips the fence only by keeping its memory from other threads, which the no-stranding
 * rule forbids. So {@code paired talc talc-fence} bounds from above the one-thread ratio of every design
 * that keeps both rules, and {@code paired talc-fence talc-bare-lock} shows what a real lock (a CAS and a
 * release store) adds to the bare fence.
 *
 * <p>Notes, as returned by {@link #notes()}:
 * <p>Probe: Talc's raw API on offsets with one full fence (VarHandle.fullFence) before every call and no
 * lock: the least a thread-safe allocator over a shared pool pays per operation. One heap over a zeroed,
 * pre-touched Arena.ofShared() segment of the requested size (Talc.over), from the ArenaPool. Not
 * thread-safe.
 */
public final class FenceFloorTalc extends BareLockTalc {

    static final String NOTES = "Probe: Talc's raw API on offsets with one full fence (VarHandle.fullFence) before"
            + " every call and no lock: the least a thread-safe allocator over a shared pool pays per operation. One"
            + " heap over a zeroed, pre-touched Arena.ofShared() segment of the requested size (Talc.over), from the"
            + " ArenaPool. Not thread-safe.";

    /**
     * Talc over fresh memory, with a fence before every call.
     *
     * @param arenaBytes the size of the heap (zeroed and pre-touched, from the {@link ArenaPool})
     */
    public FenceFloorTalc(long arenaBytes) {
        super(arenaBytes);
    }

    @Override
    void lock() {
        VarHandle.fullFence();
    }

    @Override
    void unlock() {
        // nothing: the fence is the whole price
    }

    @Override
    public String name() {
        return Contenders.TALC_FENCE;
    }

    @Override
    public String notes() {
        return NOTES;
    }

    @Override
    public boolean threadSafe() {
        return false;
    }
}

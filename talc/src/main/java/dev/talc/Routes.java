package dev.talc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a {@link ConcurrentTalc} sends an operation on a block: every heap of every shard, sorted by
 * base, with the shard that owns it. Immutable; a rebalance of free memory between shards makes a new
 * one.
 *
 * <h2>Design note</h2>
 * A free must find its shard from the block's offset alone. Heaps are few and change only when free
 * memory moves between shards, so besides the sorted bounds (searched in O(log heaps)) the routes keep a
 * direct-mapped table over the memory, cut into at most {@value #MAX_SLOTS} equal slots of
 * {@code 1 << shift} bytes:
 * <pre>
 *   memory  |<-- slot 0 -->|<-- slot 1 -->|<-- slot 2 -->| ...
 *   heaps   |<------- heap A ------->|<----- heap B ----->|
 *   table   [      A       ,    null     ,      B       , ...]
 *           a slot lying wholly in one heap names its shard; a slot that straddles a heap
 *           boundary, or lies outside every heap, is null and falls back to the search
 * </pre>
 * Invariants: {@code acmes[i] <= bases[i + 1]}; {@code table[s] == owners[i]} implies
 * {@code bases[i] <= s << shift} and {@code (s + 1) << shift <= acmes[i]}. So a non-null slot is always
 * right, and a free's lookup costs a shift, a compare and one load instead of a search.
 *
 * <p>A live block's shard never changes (only free memory moves), so a thread holding routes that a
 * rebalance has just replaced still finds the right shard for every live block.
 */
record Routes(long[] bases, long[] acmes, Shard[] owners, Shard[] table, int shift) {
    /** The most slots of the table (a power of two): 8 KiB of references at most. */
    static final int MAX_SLOTS = 1 << 10;
    /** Slots are never smaller than this (log2 of 4 KiB), so tiny memories get a short table. */
    private static final int MIN_SHIFT = 12;

    /** The routes of {@code shards}' current heaps within a memory of {@code memoryBytes} bytes. */
    static Routes of(Shard[] shards, long memoryBytes) {
        List<long[]> heaps = new ArrayList<>();
        for (Shard shard : shards) {
            for (Span heap : shard.talc.heaps()) {
                heaps.add(new long[] {heap.base(), heap.acme(), shard.index});
            }
        }
        heaps.sort((a, b) -> Long.compare(a[0], b[0]));
        int count = heaps.size();
        long[] bases = new long[count];
        long[] acmes = new long[count];
        Shard[] owners = new Shard[count];
        for (int i = 0; i < count; i++) {
            bases[i] = heaps.get(i)[0];
            acmes[i] = heaps.get(i)[1];
            owners[i] = shards[(int) heaps.get(i)[2]];
        }
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(memoryBytes - 1, 1) / MAX_SLOTS));
        Shard[] table = new Shard[(int) (((memoryBytes - 1) >>> shift) + 1)];
        for (int i = 0; i < count; i++) {
            long first = (bases[i] + (1L << shift) - 1) >>> shift; // the first slot starting inside heap i
            long end = acmes[i] >>> shift;                           // slots ending at or below its acme
            for (long slot = first; slot < end; slot++) {
                table[(int) slot] = owners[i];
            }
        }
        return new Routes(bases, acmes, owners, table, shift);
    }

    /** The shard owning the heap that holds {@code offset}, or null. */
    Shard ownerOf(long offset) {
        long slot = offset >>> shift; // a negative offset becomes a slot far past the table
        Shard[] table = this.table;
        if (slot < table.length) {
            Shard shard = table[(int) slot];
            if (shard != null) {
                return shard;
            }
        }
        return search(offset);
    }

    /** The cold path of {@link #ownerOf}: a binary search of the heaps. */
    private Shard search(long offset) {
        int index = Heaps.search(bases, acmes, bases.length, offset);
        return index < 0 ? null : owners[index];
    }

    /**
     * Checks the invariants of the design note against the routes' own bounds.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    void verify() {
        for (int i = 1; i < bases.length; i++) {
            if (acmes[i - 1] > bases[i]) {
                throw Errors.invariant("shards-disjoint", "routes=" + this);
            }
        }
        for (int slot = 0; slot < table.length; slot++) {
            Shard shard = table[slot];
            if (shard != null) {
                int index = Heaps.search(bases, acmes, bases.length, (long) slot << shift);
                if (index < 0 || owners[index] != shard || ((long) slot + 1 << shift) > acmes[index]) {
                    throw Errors.invariant("route-slot-in-one-heap", "slot=" + slot + " shift=" + shift
                            + " shard=" + shard.index + " routes=" + this);
                }
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Routes that && Arrays.equals(bases, that.bases) && Arrays.equals(acmes, that.acmes)
                && Arrays.equals(owners, that.owners) && Arrays.equals(table, that.table) && shift == that.shift;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bases) * 31 + Arrays.hashCode(acmes);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < bases.length; i++) {
            text.append(i == 0 ? "" : ", ").append(new Span(bases[i], acmes[i])).append("->").append(owners[i].index);
        }
        return text.append(']').toString();
    }
}

package dev.talc;

import java.util.Locale;

/**
 * A snapshot of an allocator's counters (the Rust Talc's {@code counters} feature, and a little more).
 *
 * <p>Live figures describe the moment of the snapshot; {@code total*} figures count since the
 * allocator was created. Every byte of every heap is in exactly one of three places:
 * {@code claimedBytes = allocatedBytes + availableBytes + overheadBytes()}.
 *
 * {@snippet :
 * TalcStats stats = talc.stats();
 * System.out.println(stats);   // a readable table
 * if (stats.fragmentation() > 0.5) {
 *     // more than half of the free memory sits outside the largest gap
 * }
 * }
 *
 * <p>Compared with the Rust Talc's {@code Counters}: the same live and total figures, under the same
 * names in camel case ({@code fragment_count} is {@link #gapCount()}, also as {@link #fragmentCount()}),
 * the same derived ones ({@link #overheadBytes()}, {@link #totalReleasedHeapCount()},
 * {@link #totalReleasedBytes()}), plus {@link #totalFreeCount()}, {@link #largestGapBytes()} and
 * {@link #fragmentation()}. Rust's {@code total_freed_bytes()} is missing on purpose: Rust derives it as
 * {@code total_allocated_bytes - allocated_bytes} because its total also counts bytes a block gains when
 * it grows in place; here {@link #totalAllocatedBytes()} counts only allocations, so freed bytes would
 * need one more counter update on every free and shrink, a cost the hot paths do not pay for a figure
 * that {@code totalAllocatedBytes - allocatedBytes} approximates well when blocks rarely grow in place.
 *
 * @param allocationCount      live blocks
 * @param allocatedBytes       the sum of the sizes callers asked for, over live blocks
 * @param availableBytes       bytes in free gaps (what further allocations can use)
 * @param claimedBytes         bytes in all heaps
 * @param heapCount            heaps now claimed
 * @param gapCount             free gaps (fragments)
 * @param largestGapBytes      the size of the largest free gap
 * @param totalAllocationCount successful allocations since creation (reallocations that move count once)
 * @param totalAllocatedBytes  the sum of the sizes of those allocations
 * @param totalFreeCount       frees since creation
 * @param totalHeapCount       heaps claimed since creation
 * @param totalClaimedBytes    bytes claimed or added by {@code extend} since creation
 * @apiNote Immutable and thread-safe. A snapshot of a {@link ConcurrentTalc} sums its parts, each read
 *          under its own lock, so it is exact when no other thread allocates meanwhile.
 */
public record TalcStats(
        long allocationCount,
        long allocatedBytes,
        long availableBytes,
        long claimedBytes,
        int heapCount,
        long gapCount,
        long largestGapBytes,
        long totalAllocationCount,
        long totalAllocatedBytes,
        long totalFreeCount,
        long totalHeapCount,
        long totalClaimedBytes) {

    /**
     * Bytes of the heaps neither handed to callers nor free: one tag word per block, alignment padding
     * and slack, and one sentinel word per heap.
     *
     * @return {@code claimedBytes - availableBytes - allocatedBytes}
     */
    public long overheadBytes() {
        return claimedBytes - availableBytes - allocatedBytes;
    }

    /**
     * How scattered the free memory is: {@code 1 - largestGapBytes / availableBytes}; 0 when all free
     * memory is one gap (or there is none), approaching 1 when it is split into many small pieces.
     *
     * @return the fragmentation figure in {@code [0, 1)}
     */
    public double fragmentation() {
        return availableBytes == 0 ? 0 : 1 - (double) largestGapBytes / availableBytes;
    }

    /**
     * The Rust Talc's name for {@link #gapCount()}: free fragments, the gaps between live blocks (small
     * freed chunks waiting in the quick bins, to be merged, count as fragments too).
     *
     * @return {@link #gapCount()}
     */
    public long fragmentCount() {
        return gapCount;
    }

    /**
     * Heaps released since creation: truncated away entirely.
     *
     * @return {@code totalHeapCount - heapCount}
     */
    public long totalReleasedHeapCount() {
        return totalHeapCount - heapCount;
    }

    /**
     * Bytes given back since creation by {@code truncate} (shrunk heaps and released ones).
     *
     * @return {@code totalClaimedBytes - claimedBytes}
     */
    public long totalReleasedBytes() {
        return totalClaimedBytes - claimedBytes;
    }

    /** The sum of two snapshots (for allocators made of several parts); the largest gap is the larger one. */
    TalcStats plus(TalcStats other) {
        return new TalcStats(
                allocationCount + other.allocationCount,
                allocatedBytes + other.allocatedBytes,
                availableBytes + other.availableBytes,
                claimedBytes + other.claimedBytes,
                heapCount + other.heapCount,
                gapCount + other.gapCount,
                Math.max(largestGapBytes, other.largestGapBytes),
                totalAllocationCount + other.totalAllocationCount,
                totalAllocatedBytes + other.totalAllocatedBytes,
                totalFreeCount + other.totalFreeCount,
                totalHeapCount + other.totalHeapCount,
                totalClaimedBytes + other.totalClaimedBytes);
    }

    /**
     * The counters as a two-column table, numbers right-aligned with {@code ,} grouping (in any locale).
     *
     * @return a multi-line, human-readable table
     */
    @Override
    public String toString() {
        StringBuilder table = new StringBuilder("TalcStats\n");
        row(table, "allocations (live)", allocationCount);
        row(table, "allocated bytes", allocatedBytes);
        row(table, "available bytes", availableBytes);
        row(table, "overhead bytes", overheadBytes());
        row(table, "claimed bytes", claimedBytes);
        row(table, "heaps", heapCount);
        row(table, "gaps (fragments)", gapCount);
        row(table, "largest gap bytes", largestGapBytes);
        table.append(String.format(Locale.ROOT, "  %-26s %18.4f%n", "fragmentation", fragmentation()));
        row(table, "total allocations", totalAllocationCount);
        row(table, "total allocated bytes", totalAllocatedBytes);
        row(table, "total frees", totalFreeCount);
        row(table, "total heaps claimed", totalHeapCount);
        row(table, "total claimed bytes", totalClaimedBytes);
        row(table, "total heaps released", totalReleasedHeapCount());
        row(table, "total released bytes", totalReleasedBytes());
        return table.toString();
    }

    private static void row(StringBuilder table, String name, long value) {
        table.append(String.format(Locale.ROOT, "  %-26s %,18d%n", name, value));
    }
}

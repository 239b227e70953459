package dev.talc;

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
     * The counters as a two-column table.
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
        table.append(String.format("  %-26s %18.4f%n", "fragmentation", fragmentation()));
        row(table, "total allocations", totalAllocationCount);
        row(table, "total allocated bytes", totalAllocatedBytes);
        row(table, "total frees", totalFreeCount);
        row(table, "total heaps claimed", totalHeapCount);
        row(table, "total claimed bytes", totalClaimedBytes);
        return table.toString();
    }

    private static void row(StringBuilder table, String name, long value) {
        table.append(String.format("  %-26s %,18d%n", name, value));
    }
}

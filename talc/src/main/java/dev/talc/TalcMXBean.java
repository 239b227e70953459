package dev.talc;

/**
 * The statistics of a {@link Talc} or {@link ConcurrentTalc} as a JMX MXBean, for JConsole, VisualVM,
 * JMX exporters and the like. Registered only on request, with {@link Talc#registerMXBean(String)} or
 * {@link ConcurrentTalc#registerMXBean(String)}, under the name
 * {@code dev.talc:type=Talc,name=<name>}.
 *
 * <p>Every attribute is a field of {@link TalcStats}, read from one snapshot. For a
 * {@link ConcurrentTalc} each read takes a fresh snapshot ({@link ConcurrentTalc#stats()}, exact);
 * for a {@link Talc}, which is not thread-safe, the attributes show the snapshot its owner thread last
 * published ({@link TalcMXBeanRegistration#publish()}); {@link #isLive()} and
 * {@link #getSnapshotTimeMillis()} say which, and how old.
 *
 * {@snippet :
 * MBeanServer server = ManagementFactory.getPlatformMBeanServer();
 * ObjectName name = new ObjectName("dev.talc:type=Talc,name=cache");
 * long live = (Long) server.getAttribute(name, "AllocatedBytes");
 * }
 *
 * @apiNote Implementations are thread-safe: JMX calls them from its own threads.
 */
public interface TalcMXBean {

    /**
     * Live blocks.
     *
     * @return {@link TalcStats#allocationCount()}
     */
    long getAllocationCount();

    /**
     * The sum of the sizes callers asked for, over live blocks.
     *
     * @return {@link TalcStats#allocatedBytes()}
     */
    long getAllocatedBytes();

    /**
     * Bytes in free gaps.
     *
     * @return {@link TalcStats#availableBytes()}
     */
    long getAvailableBytes();

    /**
     * Bytes in all heaps.
     *
     * @return {@link TalcStats#claimedBytes()}
     */
    long getClaimedBytes();

    /**
     * Bytes of the heaps neither handed out nor free (tags, padding, sentinels).
     *
     * @return {@link TalcStats#overheadBytes()}
     */
    long getOverheadBytes();

    /**
     * Heaps now claimed.
     *
     * @return {@link TalcStats#heapCount()}
     */
    int getHeapCount();

    /**
     * Free gaps (fragments).
     *
     * @return {@link TalcStats#gapCount()}
     */
    long getGapCount();

    /**
     * The size of the largest free gap: the largest block that surely fits.
     *
     * @return {@link TalcStats#largestGapBytes()}
     */
    long getLargestGapBytes();

    /**
     * How scattered the free memory is, from 0 (one gap) towards 1.
     *
     * @return {@link TalcStats#fragmentation()}
     */
    double getFragmentation();

    /**
     * Successful allocations since creation.
     *
     * @return {@link TalcStats#totalAllocationCount()}
     */
    long getTotalAllocationCount();

    /**
     * The sum of the sizes of those allocations.
     *
     * @return {@link TalcStats#totalAllocatedBytes()}
     */
    long getTotalAllocatedBytes();

    /**
     * Frees since creation.
     *
     * @return {@link TalcStats#totalFreeCount()}
     */
    long getTotalFreeCount();

    /**
     * Heaps claimed since creation.
     *
     * @return {@link TalcStats#totalHeapCount()}
     */
    long getTotalHeapCount();

    /**
     * Bytes claimed or added by {@code extend} since creation.
     *
     * @return {@link TalcStats#totalClaimedBytes()}
     */
    long getTotalClaimedBytes();

    /**
     * Bytes given back by {@code truncate} since creation.
     *
     * @return {@link TalcStats#totalReleasedBytes()}
     */
    long getTotalReleasedBytes();

    /**
     * Whether every read takes a fresh snapshot (a {@link ConcurrentTalc}), rather than showing the one a
     * {@link Talc}'s owner last published.
     *
     * @return true for live values
     */
    boolean isLive();

    /**
     * When the values were taken, in milliseconds since the epoch ({@link System#currentTimeMillis()}):
     * now for live values, else the time of the last publication.
     *
     * @return the time of the snapshot
     */
    long getSnapshotTimeMillis();

    /**
     * The snapshot as {@link TalcStats#toString()} prints it: a readable table.
     *
     * @return the counters as text
     */
    String getStatsTable();
}

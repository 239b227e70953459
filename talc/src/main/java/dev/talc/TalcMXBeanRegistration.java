package dev.talc;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * An allocator's {@link TalcMXBean}, registered in the platform MBean server until {@link #close()}.
 *
 * <h2>Design note</h2>
 * JMX reads attributes on its own threads, at any time.
 * <ul>
 * <li>A {@link ConcurrentTalc} is thread-safe, so its bean takes a fresh {@link ConcurrentTalc#stats()}
 *     for every read: exact, at the price of briefly locking each shard in turn.</li>
 * <li>A {@link Talc} is not. Computing its statistics walks free lists inside its memory, which may be
 *     a confined segment (another thread gets {@link WrongThreadException}) and which the owner changes
 *     meanwhile (a racing reader could follow a half-written link). Reading just its counter fields from
 *     another thread would be memory-safe but unsynchronised: values torn between fields and possibly
 *     stale forever. So the bean never touches the allocator: it shows the {@link TalcStats} snapshot the
 *     owner thread last <em>published</em> with {@link #publish()} (one {@code stats()} call and a
 *     volatile write, at a point of the owner's choosing: after a batch of work, on a timer tick of its
 *     event loop, before a log line), together with the time it was taken. Values are exact and
 *     consistent, as of that time. Registration publishes once. A program that would rather not
 *     publish can share the allocator through {@link ConcurrentTalc#locked(Talc)} and register that.</li>
 * </ul>
 * Nothing here runs on the allocation paths: a registered {@code Talc} allocates exactly as fast as an
 * unregistered one.
 *
 * {@snippet :
 * try (TalcMXBeanRegistration jmx = talc.registerMXBean("cache")) {
 *     while (running) {
 *         serveRequests(talc);
 *         jmx.publish();   // on the thread that owns talc
 *     }
 * }
 * }
 *
 * @apiNote {@link #close()} and {@link #objectName()} may be called from any thread; {@link #publish()}
 *          only where the allocator itself may be used.
 */
public final class TalcMXBeanRegistration implements AutoCloseable {
    /** The JMX domain of every bean of this library. */
    static final String DOMAIN = "dev.talc";
    /** Names that need no quoting in an {@link ObjectName} value. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._\\-]+");

    private final ObjectName objectName;
    private final Supplier<TalcStats> statsSource;
    private final boolean live;
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    private TalcMXBeanRegistration(ObjectName objectName, Supplier<TalcStats> statsSource, boolean live) {
        this.objectName = objectName;
        this.statsSource = statsSource;
        this.live = live;
    }

    /** Registers a bean serving {@code talc}'s published snapshots; publishes the first one now. */
    static TalcMXBeanRegistration register(Talc talc, String name) {
        Objects.requireNonNull(talc, "talc");
        TalcMXBeanRegistration registration = new TalcMXBeanRegistration(objectName(name), talc::stats, false);
        registration.publish();
        return registration.register();
    }

    /** Registers a bean reading {@code talc.stats()} live on every attribute read. */
    static TalcMXBeanRegistration register(ConcurrentTalc talc, String name) {
        Objects.requireNonNull(talc, "talc");
        return new TalcMXBeanRegistration(objectName(name), talc::stats, true).register();
    }

    /**
     * The name the bean is registered under: {@code dev.talc:type=Talc,name=<name>}, the name quoted
     * ({@link ObjectName#quote(String)}) unless it is made of letters, digits, {@code .}, {@code _} and
     * {@code -} only.
     *
     * @return the object name
     */
    public ObjectName objectName() {
        return objectName;
    }

    /**
     * Takes a snapshot of the allocator's statistics for the bean to show. For a {@link Talc}, call it on
     * the thread that owns the allocator, whenever fresh values are wanted; it costs one
     * {@link Talc#stats()}. For a {@link ConcurrentTalc} it changes nothing (its values are always live),
     * so code can call it without knowing which allocator it has.
     */
    public void publish() {
        if (!live) {
            snapshot = new Snapshot(statsSource.get(), System.currentTimeMillis());
        }
    }

    /**
     * Whether the bean is still registered by this registration (until {@link #close()}).
     *
     * @return false once closed
     */
    public boolean isRegistered() {
        return !closed;
    }

    /**
     * Unregisters the bean. Idempotent; a bean someone else already unregistered is no error.
     *
     * @throws IllegalStateException if the MBean server refuses to unregister it
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
        } catch (InstanceNotFoundException e) {
            // already gone: nothing to do
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister MXBean: objectName=" + objectName, e);
        }
    }

    /**
     * The registration: the object name and whether the values are live.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        return "TalcMXBeanRegistration[objectName=" + objectName + ", live=" + live + ", registered=" + !closed + "]";
    }

    private TalcMXBeanRegistration register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new StandardMBean(new Bean(), TalcMXBean.class, true), objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("an MBean is already registered: reason=name-taken objectName="
                    + objectName, e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register MXBean: objectName=" + objectName, e);
        }
        return this;
    }

    static ObjectName objectName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("MXBean name must not be empty: name=\"\"");
        }
        String value = PLAIN_NAME.matcher(name).matches() ? name : ObjectName.quote(name);
        try {
            return new ObjectName(DOMAIN + ":type=Talc,name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("invalid MXBean name: name=" + name, e);
        }
    }

    private record Snapshot(TalcStats stats, long timeMillis) {}

    /** The bean: every getter reads one snapshot, fresh or published. */
    private final class Bean implements TalcMXBean {
        private Snapshot current() {
            return live ? new Snapshot(statsSource.get(), System.currentTimeMillis()) : snapshot;
        }

        private TalcStats stats() {
            return current().stats();
        }

        @Override
        public long getAllocationCount() {
            return stats().allocationCount();
        }

        @Override
        public long getAllocatedBytes() {
            return stats().allocatedBytes();
        }

        @Override
        public long getAvailableBytes() {
            return stats().availableBytes();
        }

        @Override
        public long getClaimedBytes() {
            return stats().claimedBytes();
        }

        @Override
        public long getOverheadBytes() {
            return stats().overheadBytes();
        }

        @Override
        public int getHeapCount() {
            return stats().heapCount();
        }

        @Override
        public long getGapCount() {
            return stats().gapCount();
        }

        @Override
        public long getLargestGapBytes() {
            return stats().largestGapBytes();
        }

        @Override
        public double getFragmentation() {
            return stats().fragmentation();
        }

        @Override
        public long getTotalAllocationCount() {
            return stats().totalAllocationCount();
        }

        @Override
        public long getTotalAllocatedBytes() {
            return stats().totalAllocatedBytes();
        }

        @Override
        public long getTotalFreeCount() {
            return stats().totalFreeCount();
        }

        @Override
        public long getTotalHeapCount() {
            return stats().totalHeapCount();
        }

        @Override
        public long getTotalClaimedBytes() {
            return stats().totalClaimedBytes();
        }

        @Override
        public long getTotalReleasedBytes() {
            return stats().totalReleasedBytes();
        }

        @Override
        public boolean isLive() {
            return live;
        }

        @Override
        public long getSnapshotTimeMillis() {
            return current().timeMillis();
        }

        @Override
        public String getStatsTable() {
            return stats().toString();
        }
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MXBeans, read through the platform MBean server as a JMX client would. */
class TalcMXBeanTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void shouldServeThePublishedSnapshotOfATalc() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 64));
            ObjectName name = new ObjectName("dev.talc:type=Talc,name=talc-test");
            try (TalcMXBeanRegistration jmx = talc.registerMXBean("talc-test")) {
                assertEquals(name, jmx.objectName());
                assertTrue(server.isRegistered(name));
                assertEquals(0L, server.getAttribute(name, "AllocationCount"));
                assertEquals(false, server.getAttribute(name, "Live"));

                MemorySegment block = talc.allocate(1000, 8);
                // Not yet published: the bean still shows the snapshot taken at registration, and it
                // reads from another thread without touching the confined memory.
                assertEquals(0L, readOnAnotherThread(name, "AllocatedBytes"));
                jmx.publish();
                assertEquals(1000L, readOnAnotherThread(name, "AllocatedBytes"));
                assertEquals(1L, server.getAttribute(name, "AllocationCount"));
                assertEquals(1, server.getAttribute(name, "HeapCount"));
                assertEquals(talc.stats().availableBytes(), server.getAttribute(name, "AvailableBytes"));
                assertEquals(talc.stats().overheadBytes(), server.getAttribute(name, "OverheadBytes"));
                assertEquals(1L << 16, server.getAttribute(name, "ClaimedBytes"));
                assertTrue(((String) server.getAttribute(name, "StatsTable")).contains("allocated bytes"));
                assertTrue((Long) server.getAttribute(name, "SnapshotTimeMillis") <= System.currentTimeMillis());
                talc.free(block);
            }
            assertFalse(server.isRegistered(name));
        }
    }

    @Test
    void shouldServeLiveValuesOfAConcurrentTalcThroughAProxy() throws Exception {
        ConcurrentTalc talc = ConcurrentTalc.builder(MemorySegment.ofArray(new long[1 << 15])).shards(2).build();
        try (TalcMXBeanRegistration jmx = talc.registerMXBean("concurrent test, \"quoted\"")) {
            assertEquals(ObjectName.quote("concurrent test, \"quoted\""), jmx.objectName().getKeyProperty("name"));
            TalcMXBean bean = JMX.newMXBeanProxy(server, jmx.objectName(), TalcMXBean.class);
            assertTrue(bean.isLive());
            long offset = talc.tryAllocate(500, 16);
            assertEquals(1, bean.getAllocationCount());
            assertEquals(500, bean.getAllocatedBytes());
            assertEquals(2, bean.getHeapCount());
            assertEquals(1, bean.getTotalAllocationCount());
            talc.free(offset, 500);
            assertEquals(0, bean.getAllocationCount());
            assertEquals(1, bean.getTotalFreeCount());
            assertEquals(0.0, bean.getFragmentation(), 0.5);
        }
    }

    @Test
    void shouldRejectATakenOrEmptyNameAndCloseIdempotently() throws Exception {
        Talc talc = Talc.over(MemorySegment.ofArray(new long[512]));
        TalcMXBeanRegistration first = talc.registerMXBean("twice");
        try {
            IllegalStateException taken = assertThrows(IllegalStateException.class, () -> talc.registerMXBean("twice"));
            assertTrue(taken.getMessage().contains("reason=name-taken"), taken.getMessage());
            assertThrows(IllegalArgumentException.class, () -> talc.registerMXBean(""));
        } finally {
            first.close();
        }
        first.close();
        assertFalse(first.isRegistered());
        assertFalse(server.isRegistered(first.objectName()));
        try (TalcMXBeanRegistration again = talc.registerMXBean("twice")) {   // the name is free again
            server.unregisterMBean(again.objectName());   // someone else unregisters it: close() still works
        }
    }

    private Object readOnAnotherThread(ObjectName name, String attribute) throws Exception {
        try (ExecutorService jmxThread = Executors.newSingleThreadExecutor()) {
            Future<Object> value = jmxThread.submit(() -> server.getAttribute(name, attribute));
            return value.get();
        }
    }
}

package dev.talc.bench.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.TalcAdapter;
import dev.talc.bench.workload.TraceReplay;

/**
 * The replayer: every replayed allocator replays a synthetic trace with aligned, disjoint blocks and intact
 * canaries; a broken canary is caught and named; Talc is empty and consistent after a pass.
 */
class ReplayerTest {

    private static final Trace SYNTHETIC = TraceReader.read("synthetic", SyntheticTraces.random(42, 20_000));

    static Stream<Named<AllocatorFactory>> replayed() {
        return Contenders.all().stream().filter(c -> TraceReplay.whyNot(c.name()).isEmpty())
                .map(c -> Named.of(c.name(), c.factory()));
    }

    /** Delegates, checking that every block is aligned as asked and overlaps no live block. */
    private static class Checked implements BenchAllocator {
        private final BenchAllocator a;
        private final TreeMap<Long, Long> live = new TreeMap<>(); // address -> end
        int allocations;

        Checked(BenchAllocator a) {
            this.a = a;
        }

        private long add(long h, long size, long align) {
            if (h == FAILED) {
                return h;
            }
            allocations++;
            long address = a.address(h);
            if ((address & (align - 1)) != 0) {
                fail(a.name() + ": 0x" + Long.toHexString(address) + " not aligned to " + align);
            }
            long end = address + Math.max(1, size); // a 0-byte block still has a distinct address
            Map.Entry<Long, Long> below = live.floorEntry(address);
            Map.Entry<Long, Long> above = live.ceilingEntry(address);
            if ((below != null && below.getValue() > address) || (above != null && above.getKey() < end)) {
                fail(a.name() + ": block at 0x" + Long.toHexString(address) + " of " + size + " B overlaps a live one");
            }
            live.put(address, end);
            return h;
        }

        private void remove(long h) {
            assertTrue(live.remove(a.address(h)) != null, "freed a block that was not live");
        }

        @Override public String name() { return a.name(); }
        @Override public String notes() { return a.notes(); }
        @Override public boolean threadSafe() { return a.threadSafe(); }
        @Override public long allocate(long size, long align) { return add(a.allocate(size, align), size, align); }
        @Override public long calloc(long size, long align) { return add(a.calloc(size, align), size, align); }
        @Override public void free(long handle, long size, long align) {
            remove(handle);
            a.free(handle, size, align);
        }
        @Override public long reallocate(long handle, long oldSize, long align, long newSize) {
            long moved = a.reallocate(handle, oldSize, align, newSize);
            if (moved != FAILED) {
                remove(handle);
                add(moved, newSize, align);
            }
            return moved;
        }
        @Override public void touch(long handle, long offset, byte value) { a.touch(handle, offset, value); }
        @Override public byte peek(long handle, long offset) { return a.peek(handle, offset); }
        @Override public long address(long handle) { return a.address(handle); }
        @Override public long arenaBytes() { return a.arenaBytes(); }
        @Override public long footprintBytes() { return a.footprintBytes(); }
        @Override public void close() { a.close(); }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replayed")
    void shouldReplayWithAlignedDisjointBlocksAndIntactCanaries(AllocatorFactory f) throws Exception {
        try (Checked a = new Checked(f.create().create(64L << 20))) {
            Replayer.Blocks blocks = new Replayer.Blocks(SYNTHETIC.slots());
            Replayer.Footprint footprint = Replayer.footprintPass(a, SYNTHETIC, blocks, 256);
            assertTrue(a.live.isEmpty(), "blocks left live after the pass");
            assertTrue(a.allocations > 8000, () -> "allocations " + a.allocations);
            if (f.arenaBased()) {
                assertTrue(footprint.extentBytes() >= SYNTHETIC.peakLiveBytes(), footprint::toString);
            }
            assertTrue(Replayer.timedPass(a, SYNTHETIC, blocks) > 0);
            assertTrue(a.live.isEmpty(), "blocks left live after the timed pass");
        }
    }

    @Test
    void shouldLeaveTalcEmptyAndConsistent() {
        try (TalcAdapter a = new TalcAdapter(64L << 20)) {
            Replayer.Blocks blocks = new Replayer.Blocks(SYNTHETIC.slots());
            Replayer.replay(a, SYNTHETIC, blocks, 0, SYNTHETIC.events());
            a.talc().verify();
            assertEquals(SYNTHETIC.liveAtEnd().length, a.talc().stats().allocationCount());
            Replayer.freeLive(a, SYNTHETIC, blocks);
            a.talc().verify();
            assertEquals(0, a.talc().stats().allocationCount());
        }
    }

    /** Hands out its second block over the first one, as a broken allocator might. */
    @Test
    void shouldNameTraceEventAndAllocatorWhenACanaryBreaks() {
        byte[] bytes = new TraceWriter().event(TraceFormat.MALLOC, 0, 64).event(TraceFormat.MALLOC, 1, 64)
                .free(0).free(1).finish();
        Trace t = TraceReader.read("overlap", bytes);
        try (TalcAdapter talc = new TalcAdapter(1 << 20)) {
            BenchAllocator broken = new Checked(talc) {
                private long first = -1;

                @Override
                public long allocate(long size, long align) {
                    if (first == -1) {
                        first = talc.allocate(size, align);
                        return first;
                    }
                    return first; // the same block again
                }

                @Override
                public void free(long handle, long size, long align) {
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Replayer.timedPass(broken, t, new Replayer.Blocks(t.slots())));
            assertTrue(e.getMessage().startsWith("canary broken: trace=overlap event=2 op=free id=0"), e.getMessage());
            assertTrue(e.getMessage().contains("allocator=Talc"), e.getMessage());
        }
    }

    @Test
    void shouldCatchACallocThatDoesNotZero() {
        Trace t = TraceReader.read("calloc", new TraceWriter().event(TraceFormat.CALLOC, 0, 100).free(0).finish());
        try (TalcAdapter talc = new TalcAdapter(1 << 20)) {
            BenchAllocator noZero = new Checked(talc) {
                @Override
                public long calloc(long size, long align) {
                    long h = talc.allocate(size, align);
                    talc.touch(h, size - 1, (byte) 7); // what a reused block may hold
                    return h;
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Replayer.timedPass(noZero, t, new Replayer.Blocks(t.slots())));
            assertTrue(e.getMessage().contains("calloc'd (not zeroed)") && e.getMessage().contains("event=0"),
                    e.getMessage());
        }
    }
}

package dev.talc.bench.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every peer adapter in {@link Peers}, and Talc's own adapters ({@link Contenders}): alignment, contents across realloc, no overlap, failure on
 * exhaustion, and (for the thread-safe ones) two threads sharing one instance. Every peer must run on
 * this machine: a creator that throws fails the test with its reason.
 */
class PeersTest {

    private static final long ARENA = 64L << 20;
    private static final long SMALL_ARENA = 4L << 20;

    /** Every peer and Talc's own adapters, which must pass the same checks. */
    static Stream<Named<AllocatorFactory>> peers() {
        return Contenders.allWithProbes().stream().map(Contenders.Contender::factory).map(f -> Named.of(f.name(), f));
    }

    static Stream<Named<AllocatorFactory>> arenaPeers() {
        return peers().filter(n -> n.getPayload().arenaBased());
    }

    static Stream<Named<AllocatorFactory>> threadSafePeers() {
        return peers().filter(n -> n.getPayload().threadSafe());
    }

    /** A live block and the tag its sample bytes derive from. */
    private record Block(long handle, long size, long align, int tag) {
    }

    private static BenchAllocator create(AllocatorFactory f, long arenaBytes) {
        try {
            return f.create().create(arenaBytes);
        } catch (Exception e) {
            return fail("not run: " + e.getMessage(), e);
        }
    }

    private static long[] samplePositions(long size) {
        return new long[] {0, size / 3, size / 2, size - 1};
    }

    private static byte sample(int tag, long position) {
        return (byte) (tag * 31 + position * 7 + 1);
    }

    private static void fill(BenchAllocator a, Block b) {
        for (long p : samplePositions(b.size)) {
            a.touch(b.handle, p, sample(b.tag, p));
        }
    }

    private static void verify(BenchAllocator a, Block b, long upTo) {
        for (long p : samplePositions(b.size)) {
            if (p < upTo) {
                assertEquals(sample(b.tag, p), a.peek(b.handle, p),
                        () -> a.name() + ": byte " + p + " of a " + b.size + "-byte block changed");
            }
        }
    }

    private static void checkAlignment(BenchAllocator a, long handle, long align) {
        long address = a.address(handle);
        if (address != -1) {
            assertEquals(0, address & (align - 1),
                    () -> a.name() + ": address 0x" + Long.toHexString(address) + " not aligned to " + align);
        }
    }

    private static void checkNoOverlap(BenchAllocator a, List<Block> live) {
        List<Block> byAddress = new ArrayList<>(live);
        if (byAddress.isEmpty() || a.address(byAddress.getFirst().handle) == -1) {
            return;
        }
        byAddress.sort(Comparator.comparingLong(b -> a.address(b.handle)));
        for (int i = 1; i < byAddress.size(); i++) {
            Block prev = byAddress.get(i - 1);
            Block next = byAddress.get(i);
            long prevEnd = a.address(prev.handle) + prev.size;
            assertTrue(prevEnd <= a.address(next.handle), () -> a.name() + ": blocks overlap at 0x"
                    + Long.toHexString(a.address(next.handle)));
        }
    }

    private static long randomAlign(SplittableRandom rng) {
        return 8L << rng.nextInt(10); // 8 .. 4096
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    void randomBlocksAreAlignedDisjointAndKeepTheirContents(AllocatorFactory f) {
        try (BenchAllocator a = create(f, ARENA)) {
            assertEquals(f.name(), a.name());
            assertEquals(f.threadSafe(), a.threadSafe());
            assertEquals(f.arenaBased(), a.arenaBytes() > 0, "arenaBytes() vs arenaBased");
            if (f.arenaBased()) {
                assertTrue(a.arenaBytes() <= ARENA, "arenaBytes() larger than asked");
            }
            assertFalse(a.notes().isBlank());

            SplittableRandom rng = new SplittableRandom(42);
            List<Block> live = new ArrayList<>();
            int tag = 0;
            int reallocs = 0;
            for (int i = 0; i < 1500; i++) {
                long size = rng.nextInt(4) == 0 ? 1 + rng.nextInt(65536) : 1 + rng.nextInt(600);
                long align = randomAlign(rng);
                long h = a.allocate(size, align);
                assertNotEquals(BenchAllocator.FAILED, h, () -> a.name() + ": allocation failed");
                checkAlignment(a, h, align);
                Block b = new Block(h, size, align, ++tag);
                fill(a, b);
                verify(a, b, size);
                live.add(b);

                int action = rng.nextInt(8);
                if (action < 2) { // realloc a random live block
                    int k = rng.nextInt(live.size());
                    Block old = live.get(k);
                    long newSize = 1 + rng.nextInt(100_000);
                    long moved = a.reallocate(old.handle, old.size, old.align, newSize);
                    assertNotEquals(BenchAllocator.FAILED, moved, () -> a.name() + ": realloc failed");
                    checkAlignment(a, moved, old.align);
                    Block now = new Block(moved, newSize, old.align, old.tag);
                    verify(a, new Block(moved, old.size, old.align, old.tag), Math.min(old.size, newSize));
                    fill(a, now);
                    live.set(k, now);
                    reallocs++;
                } else if (action < 4) { // free a random live block
                    Block gone = live.remove(rng.nextInt(live.size()));
                    verify(a, gone, gone.size);
                    a.free(gone.handle, gone.size, gone.align);
                }
            }
            assertTrue(reallocs > 100);
            checkNoOverlap(a, live);
            for (Block b : live) {
                verify(a, b, b.size);
                a.free(b.handle, b.size, b.align);
            }
            System.out.printf("ran: %-22s live at end %d, threadSafe=%s, arenaBytes=%d%n",
                    a.name(), live.size(), a.threadSafe(), a.arenaBytes());
        }
    }

    /** calloc (the peer's own, or allocate and a zero fill) zeroes a block that reuses dirty memory. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    void shouldCallocZeroedBlocks(AllocatorFactory f) {
        Assumptions.assumeFalse(f.name().equals("Harness floor") || f.name().equals("JDK slicingAllocator"),
                "not a malloc: never used by the trace replay");
        try (BenchAllocator a = create(f, ARENA)) {
            for (long size : new long[] {1, 24, 100, 5000, 70_000}) {
                for (int round = 0; round < 3; round++) {
                    long dirty = a.allocate(size, 16);
                    for (long p : samplePositions(size)) {
                        a.touch(dirty, p, (byte) 0x5A);
                    }
                    a.free(dirty, size, 16);
                    long h = a.calloc(size, 16);
                    assertNotEquals(BenchAllocator.FAILED, h, () -> a.name() + ": calloc failed");
                    checkAlignment(a, h, 16);
                    for (long p : samplePositions(size)) {
                        assertEquals(0, a.peek(h, p), () -> a.name() + ": calloc'd byte " + p + " of " + size);
                    }
                    a.free(h, size, 16);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arenaPeers")
    void exhaustingTheArenaReturnsFailed(AllocatorFactory f) {
        try (BenchAllocator a = create(f, SMALL_ARENA)) {
            long arena = a.arenaBytes();
            assertTrue(arena > 0 && arena <= SMALL_ARENA);
            assertEquals(BenchAllocator.FAILED, a.allocate(2 * arena, 8), "a block larger than the arena");

            SplittableRandom rng = new SplittableRandom(7);
            List<Block> live = new ArrayList<>();
            int tag = 0;
            while (true) {
                long size = 1 + rng.nextInt(65536);
                long align = randomAlign(rng);
                long h = a.allocate(size, align);
                if (h == BenchAllocator.FAILED) {
                    break;
                }
                checkAlignment(a, h, align);
                Block b = new Block(h, size, align, ++tag);
                fill(a, b);
                live.add(b);
                assertTrue(live.size() < 10_000, "never failed");
            }
            assertFalse(live.isEmpty());
            Block first = live.getFirst();
            assertEquals(BenchAllocator.FAILED, a.reallocate(first.handle, first.size, first.align, 2 * arena));
            checkNoOverlap(a, live);
            for (Block b : live) {
                verify(a, b, b.size); // failures left every live block untouched
                a.free(b.handle, b.size, b.align);
            }
            if (!(a instanceof JdkSlicingAllocator)) { // the bump pointer never reuses memory
                long h = a.allocate(arena / 16, 64);
                assertNotEquals(BenchAllocator.FAILED, h, "freed memory was not reused");
                a.free(h, arena / 16, 64);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("threadSafePeers")
    void twoThreadsShareOneInstance(AllocatorFactory f) throws InterruptedException {
        try (BenchAllocator a = create(f, ARENA)) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<List<Block>> leftovers = new CopyOnWriteArrayList<>();
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                int seed = t;
                threads[t] = new Thread(() -> {
                    try {
                        SplittableRandom rng = new SplittableRandom(100 + seed);
                        List<Block> live = new ArrayList<>();
                        int tag = seed << 24;
                        for (int i = 0; i < 20_000; i++) {
                            int action = rng.nextInt(7);
                            if (action == 6 && !live.isEmpty()) {
                                int k = rng.nextInt(live.size());
                                Block old = live.get(k);
                                long newSize = 1 + rng.nextInt(3000);
                                long moved = a.reallocate(old.handle, old.size, old.align, newSize);
                                assertNotEquals(BenchAllocator.FAILED, moved);
                                checkAlignment(a, moved, old.align);
                                verify(a, new Block(moved, old.size, old.align, old.tag), Math.min(old.size, newSize));
                                Block now = new Block(moved, newSize, old.align, old.tag);
                                fill(a, now);
                                live.set(k, now);
                            } else if (action < 3 || live.size() < 100) {
                                long size = 4 + rng.nextInt(2000);
                                long align = randomAlign(rng);
                                long h = a.allocate(size, align);
                                assertNotEquals(BenchAllocator.FAILED, h);
                                checkAlignment(a, h, align);
                                Block b = new Block(h, size, align, ++tag);
                                fill(a, b);
                                live.add(b);
                            } else {
                                int k = rng.nextInt(live.size());
                                Block gone = live.get(k);
                                live.set(k, live.getLast());
                                live.removeLast();
                                verify(a, gone, gone.size);
                                a.free(gone.handle, gone.size, gone.align);
                            }
                        }
                        leftovers.add(live);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "peer-test-" + t);
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                fail(a.name() + " failed on a worker thread", failures.getFirst());
            }
            List<Block> all = new ArrayList<>();
            leftovers.forEach(all::addAll);
            checkNoOverlap(a, all);
            for (Block b : all) { // freed by another thread than the one that allocated them
                verify(a, b, b.size);
                a.free(b.handle, b.size, b.align);
            }
        }
    }

    /** Each adapter's class comment states the same notes as notes() (sentence by sentence). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    void classCommentStatesTheNotes(AllocatorFactory f) throws IOException {
        String notes;
        String source;
        try (BenchAllocator a = create(f, SMALL_ARENA)) {
            notes = a.notes();
            Path file = Path.of("src/main/java/dev/talc/bench/alloc", a.getClass().getSimpleName() + ".java");
            Assumptions.assumeTrue(Files.exists(file), "sources not at " + file.toAbsolutePath());
            source = Files.readString(file);
        }
        int start = source.indexOf("/**");
        int end = source.indexOf("*/", start);
        String comment = source.substring(start + 3, end)
                .replaceAll("(?m)^\\s*\\* ?", " ")
                .replace("<p>", " ")
                .replace("{@link #notes()}", "notes()")
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replaceAll("\\s+", " ");
        for (String sentence : notes.split("(?<=\\.)\\s+")) {
            assertTrue(comment.contains(sentence.strip()),
                    () -> f.name() + ": class comment lacks the notes sentence: " + sentence);
        }
    }

    @Test
    void everyPeerIsListedOnce() {
        List<String> names = Peers.all().stream().map(AllocatorFactory::name).toList();
        assertEquals(14, names.size()); // the twelve peers of DESIGN.md, glibc through critical downcalls, the floor
        assertEquals(names.size(), names.stream().distinct().count());
        List<String> all = Contenders.all().stream().map(Contenders.Contender::name).toList();
        assertEquals(17, all.size());
        assertEquals(List.of(Contenders.TALC, Contenders.CONCURRENT_TALC, Contenders.TALC_GLOBAL_LOCK), all.subList(0, 3));
        assertEquals(all.size(), Contenders.all().stream().map(Contenders.Contender::id).distinct().count());
    }

    @Test
    void probesAreFoundByIdButStayOutOfTheSuite() {
        Contenders.Contender probe = Contenders.byId("talc-bare-lock");
        assertEquals(Contenders.TALC_BARE_LOCK, probe.name());
        assertEquals(Contenders.Kind.PROBE, probe.kind());
        assertEquals(probe, Contenders.byId(Contenders.TALC_BARE_LOCK));
        assertTrue(Contenders.all().stream().noneMatch(c -> c.id().equals(probe.id())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Contenders.byId("nope"));
        assertTrue(e.getMessage().contains("talc-bare-lock"), e.getMessage());
        assertTrue(e.getMessage().contains("talc-fence"), e.getMessage());
    }

    @Test
    void theFenceProbeIsTalcWithAFenceAndClaimsNoThreadSafety() throws Exception {
        Contenders.Contender fence = Contenders.byId("talc-fence");
        assertEquals(Contenders.TALC_FENCE, fence.name());
        assertEquals(Contenders.Kind.PROBE, fence.kind());
        assertFalse(fence.factory().threadSafe());
        assertTrue(Contenders.all().stream().noneMatch(c -> c.id().equals(fence.id())));
        try (BenchAllocator a = fence.factory().create().create(1 << 20)) {
            assertFalse(a.threadSafe());
            assertTrue(a.notes().contains("fullFence"), a.notes());
            long block = a.allocate(100, 8);
            assertNotEquals(BenchAllocator.FAILED, block);
            long moved = a.reallocate(block, 100, 8, 5000);
            assertNotEquals(BenchAllocator.FAILED, moved);
            a.free(moved, 5000, 8);
        }
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads (platform and virtual) allocating, filling, reallocating, handing blocks to other
 * threads, checking contents and freeing, on one {@link ConcurrentTalc} whose memory is tight enough
 * that shards run out and free memory must move between them, while another thread keeps calling
 * {@code verify()} and {@code stats()}. At the end every block is freed, the counters are back to zero
 * and {@code verify()} passes.
 */
class ConcurrentStressTest {
    private static final int THREADS = 8;
    private static final int OPERATIONS = 20_000;

    /** A block in flight between threads, with the byte pattern it was filled with. */
    private record Block(long offset, long size, byte fill) {}

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void shouldStayConsistentUnderSharing(boolean virtual) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(8 << 20, 4096);
            ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(4).build();
            ConcurrentLinkedQueue<Block> handoff = new ConcurrentLinkedQueue<>();
            AtomicLong failures = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            try (ExecutorService pool = virtual ? Executors.newVirtualThreadPerTaskExecutor()
                    : Executors.newFixedThreadPool(THREADS)) {
                for (int t = 0; t < THREADS; t++) {
                    long seed = 1000 + t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        work(talc, memory, handoff, new SplittableRandom(seed), failures);
                        return null;
                    }));
                }
                // verify() and stats() from one more thread while the workers run: they lock the shards
                // (verify all at once, stats one at a time) and must see consistent shards every time
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong checks = new AtomicLong();
                AtomicReference<Throwable> broken = new AtomicReference<>();
                Thread checker = Thread.ofPlatform().start(() -> {
                    try {
                        while (!done.get()) {
                            talc.verify();
                            assertTrue(talc.stats().allocatedBytes() >= 0);
                            checks.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        broken.set(t);
                    }
                });
                start.countDown();
                try {
                    for (Future<?> future : futures) {
                        future.get(120, TimeUnit.SECONDS);
                    }
                } finally {
                    done.set(true);
                    checker.join();
                }
                if (broken.get() != null) {
                    throw new AssertionError("verify()/stats() while the workers ran", broken.get());
                }
                assertTrue(checks.get() > 0, "verify() never ran while the workers did");
            }
            for (Block block; (block = handoff.poll()) != null; ) {
                check(memory, block);
                talc.free(block.offset(), block.size());
            }
            talc.verify();
            TalcStats stats = talc.stats();
            assertEquals(0, stats.allocationCount(), stats::toString);
            assertEquals(0, stats.allocatedBytes(), stats::toString);
            assertEquals(stats.claimedBytes() - Tag.SENTINEL * stats.heapCount(), stats.availableBytes(), stats::toString);
            // the whole memory (all but one sentinel word per heap) can be had again in one block
            long whole = talc.tryAllocate(memory.byteSize() - Tag.SENTINEL * stats.heapCount() - 64, 8);
            assertTrue(whole >= 0, () -> "free memory stranded across shards: " + talc.stats());
            talc.free(whole, memory.byteSize() - Tag.SENTINEL * stats.heapCount() - 64);
            talc.verify();
        }
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void shouldReuseMemoryFreedByAnotherThread(boolean virtual) throws Exception {
        // 1 GiB flows from a producer to a consumer through 1 MiB of memory: only reuse makes this fit.
        long blockBytes = 1024;
        long blocks = (1L << 30) / blockBytes;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(1 << 20, 4096);
            ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(4).build();
            java.util.concurrent.ArrayBlockingQueue<Long> queue = new java.util.concurrent.ArrayBlockingQueue<>(256);
            AtomicLong freed = new AtomicLong();
            try (ExecutorService pool = virtual ? Executors.newVirtualThreadPerTaskExecutor()
                    : Executors.newFixedThreadPool(2)) {
                Future<?> producer = pool.submit(() -> {
                    for (long i = 0; i < blocks; i++) {
                        long offset = talc.tryAllocate(blockBytes, 8);
                        assertTrue(offset >= 0, () -> "out of memory although the consumer frees: " + talc.stats());
                        memory.set(ValueLayout.JAVA_LONG, offset, i);
                        queue.put(offset);
                    }
                    queue.put(-1L);
                    return null;
                });
                Future<?> consumer = pool.submit(() -> {
                    for (long expected = 0; ; expected++) {
                        long offset = queue.take();
                        if (offset < 0) {
                            return null;
                        }
                        assertEquals(expected, memory.get(ValueLayout.JAVA_LONG, offset));
                        talc.free(offset, blockBytes);
                        freed.incrementAndGet();
                    }
                });
                producer.get(300, TimeUnit.SECONDS);
                consumer.get(300, TimeUnit.SECONDS);
            }
            assertEquals(blocks, freed.get());
            assertEquals(0, talc.stats().allocationCount());
            talc.verify();
        }
    }

    @Test
    void threadsSharingAHomeSlotTakeItFromEachOtherWithoutHarm() throws Exception {
        // The home table is indexed by the low 8 bits of the thread id: two threads whose ids differ by a
        // multiple of 256 overwrite each other's slot on every switch, through the cold path.
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(4 << 20, 4096);
            ConcurrentTalc talc = ConcurrentTalc.builder(memory).shards(4).build();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> pair = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                byte fill = (byte) (t + 1);
                long seed = 2000 + t;
                Runnable body = () -> {
                    try {
                        start.await();
                        SplittableRandom random = new SplittableRandom(seed);
                        List<Block> mine = new ArrayList<>();
                        for (int i = 0; i < OPERATIONS; i++) {
                            if (mine.isEmpty() || mine.size() < 64 && random.nextBoolean()) {
                                long size = 1 + random.nextInt(512);
                                long offset = talc.tryAllocate(size, 8);
                                assertTrue(offset >= 0, () -> "out of memory: " + talc.stats());
                                memory.asSlice(offset, size).fill(fill);
                                mine.add(new Block(offset, size, fill));
                            } else {
                                Block block = mine.remove(random.nextInt(mine.size()));
                                check(memory, block);
                                talc.free(block.offset(), block.size());
                            }
                        }
                        for (Block block : mine) {
                            check(memory, block);
                            talc.free(block.offset(), block.size());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                Thread thread = Thread.ofPlatform().unstarted(body);
                while (!pair.isEmpty() && (thread.threadId() & 255) != (pair.get(0).threadId() & 255)) {
                    thread = Thread.ofPlatform().unstarted(body); // ids are handed out in order: at most 255 more
                }
                pair.add(thread);
            }
            assertEquals(pair.get(0).threadId() & 255, pair.get(1).threadId() & 255);
            pair.forEach(Thread::start);
            start.countDown();
            for (Thread thread : pair) {
                thread.join(TimeUnit.SECONDS.toMillis(120));
                assertFalse(thread.isAlive(), "a worker did not finish");
            }
            if (failure.get() != null) {
                fail(failure.get());
            }
            assertEquals(0, talc.stats().allocationCount());
            assertEquals(0, talc.stats().allocatedBytes());
            talc.verify();
        }
    }

    private static void work(ConcurrentTalc talc, MemorySegment memory, ConcurrentLinkedQueue<Block> handoff,
                             SplittableRandom random, AtomicLong failures) {
        List<Block> mine = new ArrayList<>();
        for (int op = 0; op < OPERATIONS; op++) {
            int action = random.nextInt(10);
            if (action < 4 || mine.isEmpty()) {
                long size = random.nextInt(8) == 0 ? random.nextLong(1, 64 << 10) : random.nextLong(0, 512);
                long alignment = 1L << random.nextInt(7);
                long offset = talc.tryAllocate(size, alignment);
                if (offset < 0) {
                    failures.incrementAndGet();
                    continue;
                }
                assertEquals(0, (memory.address() + offset) % alignment);
                Block block = new Block(offset, size, (byte) random.nextInt(1, 256));
                memory.asSlice(offset, size).fill(block.fill());
                if (random.nextBoolean()) {
                    handoff.add(block);
                } else {
                    mine.add(block);
                }
            } else if (action < 7) {
                Block block = random.nextBoolean() ? handoff.poll() : null;
                if (block == null) {
                    block = mine.remove(mine.size() - 1);
                }
                check(memory, block);
                talc.free(block.offset(), block.size());
            } else if (action < 9) {
                int index = random.nextInt(mine.size());
                Block block = mine.get(index);
                long newSize = random.nextLong(0, 4096);
                long moved = talc.tryReallocate(block.offset(), block.size(), 1, newSize);
                if (moved >= 0) {
                    Block kept = new Block(moved, Math.min(block.size(), newSize), block.fill());
                    check(memory, kept);
                    Block resized = new Block(moved, newSize, block.fill());
                    memory.asSlice(moved, newSize).fill(block.fill());
                    mine.set(index, resized);
                }
            } else {
                // a large block, bigger than any one shard's share of the memory at times
                long size = random.nextLong(1 << 20, 3 << 20);
                long offset = talc.tryAllocate(size, 64);
                if (offset >= 0) {
                    memory.set(ValueLayout.JAVA_BYTE, offset + size - 1, (byte) 7);
                    talc.free(offset, size);
                }
            }
        }
        for (Block block : mine) {
            check(memory, block);
            talc.free(block.offset(), block.size());
        }
    }

    private static void check(MemorySegment memory, Block block) {
        MemorySegment slice = memory.asSlice(block.offset(), block.size());
        for (long i = 0; i < block.size(); i++) {
            if (slice.get(ValueLayout.JAVA_BYTE, i) != block.fill()) {
                fail("block " + block + " changed at +" + i);
            }
        }
    }
}

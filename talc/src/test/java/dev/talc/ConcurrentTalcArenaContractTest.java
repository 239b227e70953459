package dev.talc;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arena contract for a sharded {@link ConcurrentTalc} (default shards, and three), and arenas on
 * several threads over one shared allocator while other threads allocate raw blocks from it.
 */
class ConcurrentTalcArenaContractTest extends ArenaContractTest {
    @Override
    TalcAllocator create(MemorySegment memory) {
        return ConcurrentTalc.over(memory);
    }

    /** Three shards: an arena's slabs and large blocks may need free memory moved between shards. */
    @Nested
    class ThreeShards extends ArenaContractTest {
        @Override
        TalcAllocator create(MemorySegment memory) {
            return ConcurrentTalc.builder(memory).shards(3).build();
        }
    }

    /**
     * Two threads each open arena after arena (checking their segments' contents before each close) while
     * a third allocates, writes and frees raw blocks of the same allocator; at the end everything is back.
     */
    @Test
    void shouldKeepArenasOfSeveralThreadsApartWhileOthersAllocateRawBlocks() throws Exception {
        try (Fixture f = new Fixture(MemoryKind.NATIVE)) {
            ConcurrentTalc talc = (ConcurrentTalc) f.allocator;
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
                Future<Integer> raw = pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(1);
                    int rounds = 0;
                    started.countDown();
                    while (!stop.get() || rounds < 100) {
                        long size = random.nextLong(1, 2000);
                        long offset = talc.tryAllocate(size, 8);
                        if (offset >= 0) {
                            talc.memory().asSlice(offset, size).fill((byte) 0x77);
                            talc.free(offset, size);
                        }
                        rounds++;
                    }
                    return rounds;
                });
                started.await();
                List<Future<Integer>> arenas = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    long seed = t;
                    arenas.add(pool.submit(() -> scopes(talc, seed, 400)));
                }
                for (Future<Integer> scopes : arenas) {
                    assertEquals(400, scopes.get(60, TimeUnit.SECONDS));
                }
                stop.set(true);
                assertTrue(raw.get(60, TimeUnit.SECONDS) >= 100);
            }
        }
    }

    /** Opens {@code count} arenas in a row on this thread, each with a few patterned segments checked at close. */
    private static int scopes(ConcurrentTalc talc, long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            List<MemorySegment> segments = new ArrayList<>();
            try (Arena arena = talc.newArena()) {
                int n = 1 + random.nextInt(10);
                for (int j = 0; j < n; j++) {
                    long size = random.nextInt(10) == 0 ? random.nextLong(3000, 20_000) : random.nextLong(1, 500);
                    segments.add(arena.allocate(size, 8).fill((byte) (seed * 16 + j)));
                }
                for (int j = 0; j < n; j++) {
                    MemorySegment segment = segments.get(j);
                    byte expected = (byte) (seed * 16 + j);
                    if (segment.get(ValueLayout.JAVA_BYTE, 0) != expected
                            || segment.get(ValueLayout.JAVA_BYTE, segment.byteSize() - 1) != expected) {
                        throw new AssertionError("segment " + j + " of scope " + i + " was overwritten");
                    }
                }
            }
        }
        return count;
    }
}

package dev.talc;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak: a long seeded run of mixed operations on one {@link Talc} — allocate, free, reallocate, grow in
 * place, shrink, extend and truncate of a second heap, and double frees that must be rejected — with
 * contents checked before every free and after every move, and {@code verify()} plus the counters every
 * {@code N} operations.
 *
 * <p>System properties: {@code talc.soak.operations} (default 10,000,000), {@code talc.soak.verifyEvery}
 * (default 500), {@code talc.soak.seed} (default 42). For example, a run of 10^9 operations:
 * {@snippet lang=shell :
 * mvn -B -pl talc test -Dtest=SoakTest -Dtalc.soak.operations=1000000000
 * }
 */
class SoakTest {
    private static final long MEMORY = 16 << 20;
    private static final long SECOND_HEAP_BASE = 12 << 20;
    private static final int TARGET_LIVE = 3000;

    @Test
    void shouldRunTenMillionMixedOperationsWithoutLosingAByte() {
        long operations = Long.getLong("talc.soak.operations", 10_000_000L);
        long verifyEvery = Long.getLong("talc.soak.verifyEvery", 500L);
        long seed = Long.getLong("talc.soak.seed", 42L);
        try (GuardedMemory guarded = GuardedMemory.open(GuardedMemory.Kind.NATIVE, MEMORY, 24, (byte) 0xC3)) {
            Soak soak = new Soak(guarded, new SplittableRandom(seed));
            long start = System.nanoTime();
            long verifyNanos = 0;
            for (long op = 1; op <= operations; op++) {
                soak.step();
                if (op % verifyEvery == 0) {
                    long t = System.nanoTime();
                    soak.talc.verify();
                    soak.blocks.checkStats(soak.talc.stats());
                    verifyNanos += System.nanoTime() - t;
                }
            }
            soak.finish();
            guarded.checkGuards();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "SoakTest: operations=%d verifyEvery=%d verifies=%d seed=%d time=%.1fs "
                            + "(%.0f ns/op, verify %.1fs) failedAllocations=%d doubleFreesRejected=%d heapChanges=%d%n",
                    operations, verifyEvery, operations / verifyEvery, seed, seconds, seconds * 1e9 / operations,
                    verifyNanos / 1e9, soak.failed, soak.doubleFrees, soak.heapChanges);
        }
    }

    /** The run's state: the allocator, the model, and a few counters. */
    private static final class Soak {
        final Talc talc;
        final SplittableRandom random;
        final LiveBlocks blocks;
        final MemorySegment memory;
        final Deque<TalcWorkload.Freed> freed = new ArrayDeque<>();
        final List<Span> heaps;
        Span second;
        long failed;
        long doubleFrees;
        long heapChanges;

        Soak(GuardedMemory guarded, SplittableRandom random) {
            this.talc = Talc.builder(guarded.inner()).build();
            this.random = random;
            this.memory = talc.memory();
            this.blocks = new LiveBlocks(memory);
            talc.claim(new Span(0, SECOND_HEAP_BASE - (1 << 20)));
            second = talc.claim(new Span(SECOND_HEAP_BASE, SECOND_HEAP_BASE + (1 << 20)));
            heaps = List.of(new Span(0, MEMORY));
        }

        long size() {
            int r = random.nextInt(100);
            if (r < 60) {
                return random.nextLong(0, 128);
            }
            if (r < 90) {
                return random.nextLong(128, 2048);
            }
            if (r < 99) {
                return random.nextLong(2048, 64 << 10);
            }
            return random.nextLong(64 << 10, 1 << 20);
        }

        long alignment() {
            int r = random.nextInt(100);
            return r < 70 ? 8 : r < 90 ? 16 : r < 98 ? 64 : 4096;
        }

        void step() {
            int action = random.nextInt(1000);
            boolean fewer = blocks.size() > TARGET_LIVE;
            if (action < (fewer ? 300 : 450)) {
                allocate();
            } else if (action < 800) {
                free();
            } else if (action < 900) {
                reallocate();
            } else if (action < 950) {
                grow();
            } else if (action < 990) {
                shrink();
            } else if (action < 998) {
                doubleFree();
            } else {
                resizeSecondHeap();
            }
        }

        void allocate() {
            long size = size();
            long alignment = alignment();
            long offset = talc.tryAllocate(size, alignment);
            if (offset < 0) {
                failed++;
                return;
            }
            added(new LiveBlocks.Block(offset, size, alignment, random.nextInt(4096)));
        }

        private void added(LiveBlocks.Block block) {
            blocks.add(block, heaps);
            long lo = block.offset() - 32;
            long hi = block.end() + 64;
            freed.removeIf(f -> f.offset() - 8 < hi && lo < f.offset() + f.size() + 64);
        }

        private void remember(LiveBlocks.Block block) {
            if (freed.size() == 32) {
                freed.removeFirst();
            }
            freed.addLast(new TalcWorkload.Freed(block.offset(), block.size(), block.alignment()));
        }

        void free() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = random.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            blocks.checkIntact(block);
            talc.free(block.offset(), block.size());
            blocks.remove(index);
            remember(block);
        }

        void reallocate() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = random.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = random.nextBoolean() ? size() : block.size() + random.nextLong(0, 256);
            long moved = talc.tryReallocate(block.offset(), block.size(), block.alignment(), newSize);
            if (moved < 0) {
                failed++;
                return;
            }
            resized(index, block, moved, newSize);
        }

        private void resized(int index, LiveBlocks.Block block, long offset, long newSize) {
            assertTrue(blocks.intact(block, offset, Math.min(block.size(), newSize)), () -> "contents lost: " + block);
            blocks.remove(index);
            if (offset != block.offset()) {
                remember(block);
            }
            added(new LiveBlocks.Block(offset, newSize, block.alignment(), random.nextInt(4096)));
        }

        void grow() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = random.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = block.size() + random.nextLong(1, 512);
            if (talc.tryGrowInPlace(block.offset(), block.size(), newSize)) {
                resized(index, block, block.offset(), newSize);
            }
        }

        void shrink() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = random.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = random.nextLong(0, block.size() + 1);
            talc.shrink(block.offset(), block.size(), newSize);
            assertTrue(blocks.intact(block, block.offset(), newSize));
            blocks.remove(index);
            blocks.add(new LiveBlocks.Block(block.offset(), newSize, block.alignment(), block.seed()), heaps);
        }

        void doubleFree() {
            if (freed.isEmpty()) {
                return;
            }
            TalcWorkload.Freed f = new ArrayList<>(freed).get(random.nextInt(freed.size()));
            assertThrows(IllegalArgumentException.class, () -> talc.free(f.offset(), f.size()), () -> "double free of " + f);
            doubleFrees++;
        }

        /** Extends the second heap up to 4 MiB or truncates it towards its live blocks. */
        void resizeSecondHeap() {
            heapChanges++;
            if (random.nextBoolean()) {
                long acme = Math.min(MEMORY, second.acme() + random.nextLong(0, 1 << 20));
                second = talc.extend(second, new Span(second.base(), acme));
            } else {
                Span now = talc.truncate(second, new Span(second.base(), second.base() + random.nextLong(64, 1 << 20)));
                assertTrue(!now.isEmpty() && !blocks.anyOutside(second, now), () -> "cut into live blocks: " + now);
                second = now;
            }
        }

        void finish() {
            blocks.checkAll();
            while (!blocks.isEmpty()) {
                LiveBlocks.Block block = blocks.remove(blocks.size() - 1);
                talc.free(block.offset(), block.size());
            }
            talc.verify();
            TalcStats stats = talc.stats();
            assertEquals(0, stats.allocationCount());
            assertEquals(0, stats.allocatedBytes());
            assertEquals(stats.totalAllocationCount(), stats.totalFreeCount());
            assertEquals(stats.claimedBytes() - 8L * stats.heapCount(), stats.availableBytes());
        }
    }
}

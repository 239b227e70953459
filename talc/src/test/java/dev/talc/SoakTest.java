package dev.talc;

import org.junit.jupiter.api.Test;

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
            Soak soak = new Soak(guarded, Choices.drawingAlways(new SplittableRandom(seed)));
            long start = System.nanoTime();
            long verifyNanos = 0;
            for (long op = 1; op <= operations; op++) {
                soak.step();
                if (op % verifyEvery == 0) {
                    long t = System.nanoTime();
                    soak.check();
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
    private static final class Soak extends AllocatorWorkload<Talc> {
        Span second;
        long failed;
        long doubleFrees;
        long heapChanges;

        Soak(GuardedMemory guarded, Choices in) {
            super(Talc.builder(guarded.inner()).build(), in, 32);
            talc.claim(new Span(0, SECOND_HEAP_BASE - (1 << 20)));
            second = talc.claim(new Span(SECOND_HEAP_BASE, SECOND_HEAP_BASE + (1 << 20)));
        }

        long size() {
            int r = in.nextInt(100);
            if (r < 60) {
                return in.nextLong(0, 127);
            }
            if (r < 90) {
                return in.nextLong(128, 2047);
            }
            if (r < 99) {
                return in.nextLong(2048, (64 << 10) - 1);
            }
            return in.nextLong(64 << 10, (1 << 20) - 1);
        }

        long alignment() {
            int r = in.nextInt(100);
            return r < 70 ? 8 : r < 90 ? 16 : r < 98 ? 64 : 4096;
        }

        @Override
        long growth() {
            return in.nextLong(1, 511);
        }

        /** The soak frees raw only. */
        @Override
        boolean freeRaw() {
            return true;
        }

        void step() {
            int action = in.nextInt(1000);
            boolean fewer = blocks.size() > TARGET_LIVE;
            if (action < (fewer ? 300 : 450)) {
                allocate();
            } else if (action < 800) {
                free();
            } else if (action < 900) {
                reallocate();
            } else if (action < 950) {
                growInPlace();
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
            added(new LiveBlocks.Block(offset, size, alignment, LiveBlocks.seed(in)));
        }

        void reallocate() {
            int index = pickLive();
            if (index < 0) {
                return;
            }
            LiveBlocks.Block block = blocks.get(index);
            long newSize = in.nextBoolean() ? size() : block.size() + in.nextLong(0, 255);
            long moved = talc.tryReallocate(block.offset(), block.size(), block.alignment(), newSize);
            if (moved < 0) {
                failed++;
                return;
            }
            resized(index, block, moved, newSize, block.alignment());
        }

        void doubleFree() {
            Freed f = pick(freed);
            if (f == null) {
                return;
            }
            assertThrows(IllegalArgumentException.class, () -> talc.free(f.offset(), f.size()), () -> "double free of " + f);
            doubleFrees++;
        }

        /** Extends the second heap up to 4 MiB or truncates it towards its live blocks. */
        void resizeSecondHeap() {
            heapChanges++;
            if (in.nextBoolean()) {
                long acme = Math.min(MEMORY, second.acme() + in.nextLong(0, (1 << 20) - 1));
                second = talc.extend(second, new Span(second.base(), acme));
            } else {
                long acme = Math.min(second.acme(), second.base() + in.nextLong(64, (1 << 20) - 1)); // a span inside it
                Span now = talc.truncate(second, new Span(second.base(), acme));
                assertTrue(!now.isEmpty() && !blocks.anyOutside(second, now), () -> "cut into live blocks: " + now);
                second = now;
            }
        }

        void finish() {
            TalcStats stats = freeAll();
            assertEquals(stats.claimedBytes() - Tag.SENTINEL * stats.heapCount(), stats.availableBytes());
        }
    }
}

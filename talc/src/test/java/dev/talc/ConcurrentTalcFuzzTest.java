package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link ConcurrentTalc} on one thread: allocate, free, reallocate, grow,
 * shrink (raw and segment forms), double frees and out-of-range offsets, over 64 KiB – 512 KiB of
 * memory cut into up to 8 shards, so that requests often exceed one shard and free memory must move
 * between shards (the cross-shard rebalancing path). After every step {@code verify()} (every shard,
 * and the routing of frees) passes and the summed counters match the model; at the end everything is
 * freed and a block of nearly the whole memory must fit again, across every former shard boundary.
 */
class ConcurrentTalcFuzzTest {
    static final int MAX_STEPS = 500;
    private static final FuzzSummary SUMMARY = new FuzzSummary("ConcurrentTalcFuzzTest", "crossShardBlocks");

    @FuzzTest(maxDuration = "5m")
    void shouldKeepShardsConsistentWhileMovingFreeMemory(FuzzedDataProvider data) {
        Choices in = Choices.of(data);
        GuardedMemory.Kind kind = in.nextBoolean() ? GuardedMemory.Kind.NATIVE : GuardedMemory.Kind.LONG_ARRAY;
        long bytes = (64L << 10) * (1 + in.nextInt(8)) + 8L * in.nextInt(64);
        GuardedMemory guarded = GuardedMemory.open(kind, bytes, 8L * in.nextInt(8), (byte) in.nextInt(256));
        try {
            ConcurrentTalc talc = ConcurrentTalc.builder(guarded.inner()).shards(1 + in.nextInt(8))
                    .checked(in.percent(25)).build();
            Run run = new Run(talc, in);
            for (int step = 0; step < MAX_STEPS && in.hasMore(); step++) {
                run.step();
                run.check();
            }
            run.finish();
            guarded.checkGuards();
            SUMMARY.inputs.increment();
            SUMMARY.operations.add(run.operations);
            SUMMARY.failedAllocations.add(run.failed);
            SUMMARY.special.addAndGet(run.crossShard);
        } finally {
            guarded.close();
        }
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.print(null);
    }

    /** One input's run against the model. */
    static final class Run extends AllocatorWorkload<ConcurrentTalc> {
        final long shardBytes;
        long operations;
        long failed;
        long crossShard;

        Run(ConcurrentTalc talc, Choices in) {
            super(talc, in, REMEMBERED);
            this.shardBytes = memoryBytes / talc.shardCount();
        }

        void step() {
            operations++;
            int action = in.nextInt(100);
            if (action < 35) {
                allocate();
            } else if (action < 60) {
                free();
            } else if (action < 75) {
                reallocate();
            } else if (action < 82) {
                growInPlace();
            } else if (action < 88) {
                shrink();
            } else if (action < 95) {
                doubleFree();
            } else {
                outside();
            }
        }

        long size() {
            return switch (in.nextInt(6)) {
                case 0 -> 0;
                case 1, 2 -> in.nextLong(1, 256);
                case 3 -> in.nextLong(1, 8192);
                default -> in.logUniform(memoryBytes + memoryBytes / 8); // often more than one shard holds
            };
        }

        long alignment() {
            return in.percent(80) ? 1L << in.nextInt(5) : 32L << in.nextInt(12);
        }

        @Override
        long growth() {
            return in.logUniform(memoryBytes);
        }

        void allocate() {
            long size = size();
            long alignment = alignment();
            long offset;
            if (in.nextBoolean()) {
                offset = talc.tryAllocate(size, alignment);
            } else {
                try {
                    offset = offsetOf(talc.allocate(size, alignment));
                } catch (OutOfMemoryError e) {
                    offset = -1;
                }
            }
            if (offset < 0) {
                failed++;
                TalcStats stats = talc.stats();
                assertTrue(stats.largestGapBytes() < size + Math.max(alignment, 8) + 48,
                        () -> "failed although a gap fits, after moving free memory between shards: size=" + size
                                + " alignment=" + alignment + " " + stats);
                return;
            }
            added(new LiveBlocks.Block(offset, size, alignment, LiveBlocks.seed(in)));
        }

        @Override
        void added(LiveBlocks.Block block) {
            super.added(block);
            if (block.size() > shardBytes) {
                crossShard++;
            }
        }

        void reallocate() {
            int index = pickLive();
            if (index < 0) {
                return;
            }
            LiveBlocks.Block block = blocks.get(index);
            long newSize = size();
            long moved;
            long alignment = block.alignment();
            if (in.nextBoolean()) {
                moved = talc.tryReallocate(block.offset(), block.size(), alignment, newSize);
            } else {
                MemorySegment old = segmentOf(block);
                alignment = Math.min(Talc.maxByteAlignment(old), Talc.IMPLIED_ALIGNMENT);
                try {
                    moved = offsetOf(talc.reallocate(old, newSize));
                } catch (OutOfMemoryError e) {
                    moved = -1;
                }
            }
            if (moved < 0) {
                failed++;
                blocks.checkIntact(block);
                return;
            }
            resized(index, block, moved, newSize, alignment);
        }

        /** A second free of a block whose memory was not handed out again: always rejected, nothing changed. */
        void doubleFree() {
            Freed f = pick(freed);
            if (f != null) {
                rejected(() -> talc.free(f.offset(), f.size()));
            }
        }

        void outside() {
            long offset = in.nextBoolean() ? -8 * (1 + in.logUniform(1 << 20)) : memoryBytes + in.logUniform(1L << 40);
            rejected(() -> talc.free(offset, in.logUniform(4096)));
        }

        private void rejected(org.junit.jupiter.api.function.Executable call) {
            TalcStats before = talc.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains("offset="), e::getMessage);
            assertEquals(before, talc.stats());
            talc.verify();
            blocks.checkAll();
        }

        /** Frees everything; then nearly the whole memory must fit in one block again. */
        void finish() {
            freeAll();
            long whole = memoryBytes - 1024;
            long offset = talc.tryAllocate(whole, 8);
            assertTrue(offset >= 0, () -> "after freeing everything, " + whole + " of " + memoryBytes + " bytes do not fit: "
                    + talc.stats());
            talc.free(offset, whole);
            talc.verify();
        }
    }
}

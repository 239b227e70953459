package dev.talc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

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
            Run run = new Run(talc, in, bytes);
            for (int step = 0; step < MAX_STEPS && in.hasMore(); step++) {
                run.step();
                talc.verify();
                run.blocks.checkStats(talc.stats());
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
    static final class Run {
        final ConcurrentTalc talc;
        final Choices in;
        final long bytes;
        final MemorySegment memory;
        final LiveBlocks blocks;
        final List<Span> whole;
        final long shardBytes;
        final Deque<TalcWorkload.Freed> freed = new ArrayDeque<>();
        long operations;
        long failed;
        long crossShard;

        Run(ConcurrentTalc talc, Choices in, long bytes) {
            this.talc = talc;
            this.in = in;
            this.bytes = bytes;
            this.memory = talc.memory();
            this.blocks = new LiveBlocks(memory);
            this.whole = List.of(new Span(0, bytes));
            this.shardBytes = bytes / talc.shardCount();
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
                grow();
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
                default -> in.logUniform(bytes + bytes / 8); // often more than one shard holds
            };
        }

        long alignment() {
            return in.percent(80) ? 1L << in.nextInt(5) : 32L << in.nextInt(12);
        }

        void allocate() {
            long size = size();
            long alignment = alignment();
            long offset;
            if (in.nextBoolean()) {
                offset = talc.tryAllocate(size, alignment);
            } else {
                try {
                    offset = talc.allocate(size, alignment).address() - memory.address();
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

        private void added(LiveBlocks.Block block) {
            blocks.add(block, whole);
            if (block.size() > shardBytes) {
                crossShard++;
            }
            long lo = block.offset() - 32;
            long hi = block.end() + 64;
            freed.removeIf(f -> f.offset() - 8 < hi && lo < f.offset() + f.size() + 64);
        }

        private void forget(LiveBlocks.Block block) {
            if (freed.size() == 64) {
                freed.removeFirst();
            }
            freed.addLast(new TalcWorkload.Freed(block.offset(), block.size(), block.alignment()));
        }

        void free() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = in.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            blocks.checkIntact(block);
            if (in.nextBoolean()) {
                talc.free(block.offset(), block.size());
            } else {
                talc.free(memory.asSlice(block.offset(), block.size()));
            }
            blocks.remove(index);
            forget(block);
        }

        void reallocate() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = in.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = size();
            long moved;
            long alignment = block.alignment();
            if (in.nextBoolean()) {
                moved = talc.tryReallocate(block.offset(), block.size(), alignment, newSize);
            } else {
                MemorySegment old = memory.asSlice(block.offset(), block.size());
                alignment = Math.min(Talc.maxByteAlignment(old), Talc.IMPLIED_ALIGNMENT);
                try {
                    moved = talc.reallocate(old, newSize).address() - memory.address();
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

        private void resized(int index, LiveBlocks.Block block, long offset, long newSize, long alignment) {
            assertTrue(blocks.intact(block, offset, Math.min(block.size(), newSize)), () -> "contents lost: " + block);
            blocks.remove(index);
            if (offset != block.offset()) {
                forget(block);
            }
            added(new LiveBlocks.Block(offset, newSize, alignment, LiveBlocks.seed(in)));
        }

        void grow() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = in.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = block.size() + in.logUniform(bytes);
            if (talc.tryGrowInPlace(block.offset(), block.size(), newSize)) {
                resized(index, block, block.offset(), newSize, block.alignment());
            }
        }

        void shrink() {
            if (blocks.isEmpty()) {
                return;
            }
            int index = in.nextInt(blocks.size());
            LiveBlocks.Block block = blocks.get(index);
            long newSize = in.nextLong(0, block.size());
            talc.shrink(block.offset(), block.size(), newSize);
            assertTrue(blocks.intact(block, block.offset(), newSize));
            blocks.remove(index);
            blocks.add(new LiveBlocks.Block(block.offset(), newSize, block.alignment(), block.seed()), whole);
        }

        /** A second free of a block whose memory was not handed out again: always rejected, nothing changed. */
        void doubleFree() {
            if (freed.isEmpty()) {
                return;
            }
            TalcWorkload.Freed f = new ArrayList<>(freed).get(in.nextInt(freed.size()));
            rejected(() -> talc.free(f.offset(), f.size()));
        }

        void outside() {
            long offset = in.nextBoolean() ? -8 * (1 + in.logUniform(1 << 20)) : bytes + in.logUniform(1L << 40);
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
            long whole = bytes - 1024;
            long offset = talc.tryAllocate(whole, 8);
            assertTrue(offset >= 0, () -> "after freeing everything, " + whole + " of " + bytes + " bytes do not fit: "
                    + talc.stats());
            talc.free(offset, whole);
            talc.verify();
        }
    }
}

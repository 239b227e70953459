package dev.talc.examples;

import dev.talc.ConcurrentTalc;
import dev.talc.TalcStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link ConcurrentTalc} shared by many virtual threads: each task allocates a block, fills it,
 * checks it and frees it. The memory comes from a shared arena, so every thread may touch it.
 */
public final class VirtualThreadsExample {
    private VirtualThreadsExample() {}

    /**
     * Runs {@code tasks} tasks on virtual threads against one allocator.
     *
     * @return the allocator's statistics after all tasks ended
     */
    public static TalcStats run(int tasks) {
        try (Arena arena = Arena.ofShared()) {
            ConcurrentTalc talc = ConcurrentTalc.over(arena.allocate(8 << 20, 4096));
            AtomicLong checksum = new AtomicLong();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < tasks; i++) {
                    long value = i;
                    pool.submit(() -> {
                        MemorySegment block = talc.allocate(ValueLayout.JAVA_LONG, 16);
                        for (int j = 0; j < 16; j++) {
                            block.setAtIndex(ValueLayout.JAVA_LONG, j, value);
                        }
                        Thread.yield();   // let other tasks interleave while the block is live
                        checksum.addAndGet(block.getAtIndex(ValueLayout.JAVA_LONG, 15));
                        talc.free(block);
                    });
                }
            }   // close() waits for every task
            if (checksum.get() != (long) tasks * (tasks - 1) / 2) {
                throw new IllegalStateException("checksum=" + checksum.get());
            }
            return talc.stats();
        }
    }

    public static void main(String[] args) {
        System.out.println(run(10_000));
    }
}

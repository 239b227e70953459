package dev.talc.bench.workload;

import java.util.Locale;
import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.report.Row;

import static dev.talc.bench.workload.Params.ARENA_BYTES;
import static dev.talc.bench.workload.Params.HE_ACTIONS;
import static dev.talc.bench.workload.Params.HE_FREE;
import static dev.talc.bench.workload.Params.HE_LAST_ALLOCATE;
import static dev.talc.bench.workload.Params.HE_MAX_SIZE;
import static dev.talc.bench.workload.Params.HE_REALLOC_MAX;

/**
 * Heap efficiency (Talc's heap_efficiency.rs): how full an arena gets before the first failure.
 *
 * <p>Design note. From an empty heap, repeat {@code a = U[0,10)}:
 * <pre>
 *   0..4 → allocate size(10000), alignment()            (failure ends the round)
 *   5    → free a random live block
 *   6..9 → realloc a random live block to U[1, 100000)   (failure ends the round)
 * </pre>
 * At the first failure, the round's score is {@code live bytes / arena bytes} (live bytes = the sizes
 * asked for). Then every block is freed and the next round starts on the same instance, with the generator
 * running on. The result is the mean over rounds, in percent. Only allocators with a fixed arena
 * ({@code arenaBytes() > 0}) have an efficiency; the others report "n/a". An allocator that does not
 * reuse freed memory (a bump pointer) fails at once in the second round: it is then re-created for each
 * round, which the note says.
 */
public final class HeapEfficiency implements Workload {

    /** Benchmark name. */
    public static final String NAME = "heap_efficiency";
    /** Unit of the score. */
    public static final String UNIT = "%";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out)
            throws Exception {
        if (!factory.arenaBased()) {
            out.accept(Row.missing(NAME, factory.name(), 1, HE_MAX_SIZE, UNIT, "n/a: no fixed arena (memory from the OS)"));
            return;
        }
        Wyrand rng = new Wyrand(Params.SEED);
        LiveBlocks live = new LiveBlocks(Params.HE_LIVE_CAPACITY);
        double sum = 0;
        int recreated = 0;
        long arenaBytes = 0;
        BenchAllocator a = factory.create().create(ARENA_BYTES);
        try {
            for (int round = 0; round < budget.heapRounds(); round++) {
                arenaBytes = a.arenaBytes();
                boolean anySuccess = round(a, rng, live);
                if (!anySuccess && round > 0) { // freed memory is not reused: start over on a fresh instance
                    live.freeAll(a);
                    a.close();
                    a = factory.create().create(ARENA_BYTES);
                    recreated++;
                    round(a, rng, live);
                }
                sum += (double) live.liveBytes() / a.arenaBytes();
                live.freeAll(a);
                if ((round + 1) % Math.max(1, budget.heapRounds() / 4) == 0 && round + 1 < budget.heapRounds()) {
                    progress.line(String.format(Locale.ROOT, "%-26s round %d/%d: %.2f%% so far", NAME, round + 1,
                            budget.heapRounds(), 100 * sum / (round + 1)));
                }
            }
        } finally {
            live.freeAll(a);
            a.close();
        }
        double percent = 100 * sum / budget.heapRounds();
        String note = budget.heapRounds() + " rounds, arena " + arenaBytes + " B"
                + (recreated > 0 ? "; re-created for " + recreated + " rounds (freed memory is not reused)" : "");
        progress.line(String.format(Locale.ROOT, "%-26s %.2f%%  (%s)", NAME, percent, note));
        out.accept(Row.of(NAME, factory.name(), 1, HE_MAX_SIZE, percent, UNIT, note));
    }

    /**
     * One round: random actions until the first failure. Leaves the blocks live.
     *
     * @return whether any allocation or reallocation succeeded before the failure
     */
    static boolean round(BenchAllocator a, Wyrand rng, LiveBlocks live) {
        boolean anySuccess = false;
        while (true) {
            int action = rng.below(HE_ACTIONS);
            if (action <= HE_LAST_ALLOCATE) {
                long size = rng.size(HE_MAX_SIZE);
                long align = rng.alignment();
                if (live.count == live.capacity()) {
                    throw new IllegalStateException("live list full without a failure: arena larger than expected");
                }
                long h = a.allocate(size, align);
                if (h == BenchAllocator.FAILED) {
                    return anySuccess;
                }
                live.add(h, size, align);
                anySuccess = true;
            } else if (action == HE_FREE) {
                if (live.count > 0) {
                    live.free(a, rng.below(live.count));
                }
            } else if (live.count > 0) {
                int k = rng.below(live.count);
                long newSize = rng.range(1, HE_REALLOC_MAX);
                long moved = a.reallocate(live.handles[k], live.sizes[k], live.aligns[k], newSize);
                if (moved == BenchAllocator.FAILED) {
                    return anySuccess;
                }
                live.handles[k] = moved;
                live.sizes[k] = newSize;
                anySuccess = true;
            }
        }
    }
}

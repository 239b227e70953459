package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An indicative measurement of what checked mode costs: the same seeded loop of frees and allocations
 * (and, separately, reallocations) on a default and a checked {@link Talc}, timed with
 * {@link System#nanoTime()} over repeated rounds after warm-up, median reported. Not a JMH benchmark
 * (no fork control, no blackhole, on a shared machine): read the ratio, not the absolute figures.
 *
 * <p>Run: {@code java -cp talc/target/classes:talc/target/test-classes dev.talc.CheckedModeCost [rounds] [opsPerRound]}
 * after {@code mvn -B -q -pl talc test-compile} (see {@code talc/MISUSE.md}).
 */
public final class CheckedModeCost {
    private static final int LIVE = 4096;

    private CheckedModeCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        System.out.printf(Locale.ROOT, "checked-mode cost: %d live blocks, sizes 8..512 B, %d rounds of %,d operations, "
                + "median ns per operation%n", LIVE, rounds, ops);
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %9s%n", "workload", "default", "checked", "overhead");
        for (String workload : new String[] {"free + allocate (pair)", "reallocate (grow/shrink, may move)"}) {
            double plain = measure(false, workload.startsWith("free"), rounds, ops);
            double checked = measure(true, workload.startsWith("free"), rounds, ops);
            System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %8.0f%%%n", workload, plain, checked, (checked / plain - 1) * 100);
        }
    }

    /** The median over {@code rounds} (after two warm-up rounds) of ns per operation. */
    private static double measure(boolean checked, boolean freeAllocate, int rounds, int ops) {
        double[] nanos = new double[rounds];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(64 << 20, 4096);
            Talc talc = Talc.builder(memory).checked(checked).claimAll().build();
            SplittableRandom random = new SplittableRandom(42);
            long[] offsets = new long[LIVE];
            long[] sizes = new long[LIVE];
            for (int i = 0; i < LIVE; i++) {
                sizes[i] = 8 + random.nextInt(505);
                offsets[i] = talc.tryAllocate(sizes[i], 8);
            }
            int[] slots = new int[1 << 16];
            long[] newSizes = new long[1 << 16];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = random.nextInt(LIVE);
                newSizes[i] = 8 + random.nextInt(505);
            }
            long sink = 0;
            for (int round = -2; round < rounds; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    int k = i & (slots.length - 1);
                    int slot = slots[k];
                    if (freeAllocate) {
                        talc.free(offsets[slot], sizes[slot]);
                        offsets[slot] = talc.tryAllocate(newSizes[k], 8);
                    } else {
                        offsets[slot] = talc.tryReallocate(offsets[slot], sizes[slot], 8, newSizes[k]);
                    }
                    sizes[slot] = newSizes[k];
                    sink += offsets[slot];
                }
                long elapsed = System.nanoTime() - start;
                if (round >= 0) {
                    nanos[round] = (double) elapsed / ops;
                }
            }
            talc.verify();
            if (sink == 42) {
                System.out.println();
            }
        }
        Arrays.sort(nanos);
        return nanos[rounds / 2];
    }
}

package dev.talc;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a fuzz target ran: inputs, operations and time, printed when its class is done (one line in
 * regression mode; with {@code JAZZER_FUZZ} set, the misuse census table too).
 */
final class FuzzSummary {
    final LongAdder inputs = new LongAdder();
    final LongAdder operations = new LongAdder();
    final LongAdder failedAllocations = new LongAdder();
    /** A figure particular to the target (a count or a maximum). */
    final AtomicLong special = new AtomicLong();
    private final String target;
    private final String specialName;
    private final long start = System.nanoTime();

    FuzzSummary(String target, String specialName) {
        this.target = target;
        this.specialName = specialName;
    }

    static boolean fuzzing() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        return fuzz != null && !fuzz.isEmpty();
    }

    void print(MisuseCensus census) {
        System.out.printf(Locale.ROOT, "%s %s: inputs=%d operations=%d failedAllocations=%d %s=%d time=%.1fs%n",
                target, fuzzing() ? "fuzzing" : "regression", inputs.sum(), operations.sum(), failedAllocations.sum(),
                specialName, special.get(), (System.nanoTime() - start) / 1e9);
        if (census != null && (fuzzing() || Boolean.getBoolean("talc.census.print"))) {
            System.out.print(census.table());
        }
    }
}

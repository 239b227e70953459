package dev.talc;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck checks that {@link Shard}'s hand-written spin lock gives mutual exclusion and visibility:
 * a plain (non-volatile) counter guarded by it must behave as a linearizable counter under every
 * interleaving the model checker explores, and under real threads.
 */
public class ShardLockLincheckTest {
    private final Shard shard = new Shard(null, 0);
    private long counter;

    /** Increments under the lock. @return the new value */
    @Operation
    public long incrementAndGet() {
        shard.lock();
        try {
            return ++counter;
        } finally {
            shard.unlock();
        }
    }

    /** Adds two in two steps under the lock: a reader must never see the odd middle value. @return the new value */
    @Operation
    public long addTwoInSteps() {
        shard.lock();
        try {
            counter++;
            counter++;
            return counter;
        } finally {
            shard.unlock();
        }
    }

    /** Reads under the lock. @return the value */
    @Operation
    public long get() {
        shard.lock();
        try {
            return counter;
        } finally {
            shard.unlock();
        }
    }

    @Test
    void shouldBeLinearizableUnderModelChecking() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .check(getClass());
    }

    @Test
    void shouldBeLinearizableUnderStress() {
        new StressOptions().iterations(10).invocationsPerIteration(1000).threads(2).actorsPerThread(3)
                .check(getClass());
    }
}

package dev.talc.bench.jmh;

import dev.talc.bench.alloc.BenchAllocator;
import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.workload.Params;

/**
 * Makes the allocator named by a JMH {@code allocator} parameter (an id from {@link Contenders}, e.g.
 * {@code talc}, {@code concurrenttalc}, {@code one-nio-malloc}).
 */
final class JmhAllocators {

    private JmhAllocators() {
    }

    static BenchAllocator create(String id) throws Exception {
        return Contenders.byId(id).factory().create().create(Params.ARENA_BYTES);
    }
}

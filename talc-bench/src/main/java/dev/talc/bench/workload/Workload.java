package dev.talc.bench.workload;

import java.util.function.Consumer;

import dev.talc.bench.alloc.AllocatorFactory;
import dev.talc.bench.report.Row;

/**
 * One benchmark workload (DESIGN.md section 6), run for one allocator at a time.
 *
 * <p>Design note: a workload makes its own fresh allocator instances from the factory (so a trial never
 * inherits another's heap), reports every configuration it was asked for as a {@link Row} (a score, or a
 * reason why not: "n/a: not thread-safe"), and prints progress as it goes. The parameters come from
 * {@link Params} only.
 */
public interface Workload {

    /** Short name, e.g. {@code random_actions}. */
    String name();

    /**
     * Runs every configuration of this workload the budget asks for, on fresh instances from {@code factory}.
     *
     * @throws Exception when the allocator cannot be created (a peer that cannot run here)
     */
    void run(AllocatorFactory factory, Params.Budget budget, Progress progress, Consumer<Row> out) throws Exception;

    /** The workloads in the order the harness runs them. */
    static java.util.List<Workload> all() {
        return java.util.List.of(new RandomActions(), new HeapEfficiency(), new Microbench(), new HighAlignment(),
                new TraceReplay());
    }
}

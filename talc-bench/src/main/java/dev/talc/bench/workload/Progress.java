package dev.talc.bench.workload;

/**
 * Where a workload says how far it is ("random_actions t=1 M=1000: 6.1M ops/200ms"), so a long run shows
 * which allocator and workload it is on. Implementations print, prefixed with the allocator.
 */
@FunctionalInterface
public interface Progress {

    /** Prints one line of progress. */
    void line(String text);

    /** Discards progress (tests). */
    Progress SILENT = text -> { };
}

package dev.talc.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Long-lived worker threads for multi-threaded trials, made once per JVM: native allocators with
 * per-thread state (rpmalloc's thread heaps, jemalloc's tcache) then see the same threads in every trial
 * instead of a stream of new ones that never finalise their state. Worker {@code i} is always the same
 * thread, so every 1-thread trial runs on worker 0: from a shared pool of two, consecutive 1-thread
 * trials went to either thread, and on the development VM the thread-safe allocators' scores then
 * alternated from trial to trial by up to 40%.
 */
final class Workers {

    /** A task for worker {@code index}; returns its score. */
    @FunctionalInterface
    interface Task {
        long run(int index) throws Exception;
    }

    private static final int MAX_THREADS = 2;
    private static final ExecutorService[] WORKERS = new ExecutorService[MAX_THREADS];

    static {
        for (int i = 0; i < MAX_THREADS; i++) {
            String name = "bench-worker-" + i;
            WORKERS[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    private Workers() {
    }

    /** Runs {@code task} on {@code threads} workers at once and returns their results, in index order. */
    static long[] runOnAll(int threads, Task task) throws Exception {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads=" + threads + " (1.." + MAX_THREADS + ")");
        }
        List<Future<Long>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            futures.add(WORKERS[t].submit(() -> task.run(index)));
        }
        long[] results = new long[threads];
        Exception failure = null;
        for (int t = 0; t < threads; t++) {
            try {
                results[t] = futures.get(t).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error error) {
                    throw error;
                }
                failure = cause instanceof Exception ex ? ex : e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}

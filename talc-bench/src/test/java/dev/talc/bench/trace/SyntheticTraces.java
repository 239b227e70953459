package dev.talc.bench.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small deterministic traces for the tests, written with {@link TraceWriter} as the C recorder would. */
final class SyntheticTraces {

    private SyntheticTraces() {
    }

    /**
     * {@code events} random events (seeded): malloc, calloc, realloc, free and the memalign family, sizes 0 to
     * 70 000 (mostly small), alignments up to 4096, three threads, ids reused most recently freed first (as the
     * recorder does); some blocks stay live at the end.
     */
    static byte[] random(long seed, int events) {
        SplittableRandom rng = new SplittableRandom(seed);
        TraceWriter w = new TraceWriter();
        List<Integer> live = new ArrayList<>();
        List<Integer> freeIds = new ArrayList<>();
        int nextId = 0;
        for (int i = 0; i < events; i++) {
            int thread = rng.nextInt(8) == 0 ? rng.nextInt(3) : 0;
            int action = rng.nextInt(10);
            if (live.isEmpty() || action < 4) {
                int id = freeIds.isEmpty() ? nextId++ : freeIds.removeLast();
                long size = rng.nextInt(6) == 0 ? rng.nextInt(70_000) : rng.nextInt(300);
                int op = rng.nextInt(12);
                if (op < 8) {
                    w.event(TraceFormat.MALLOC, id, size, 0, thread);
                } else if (op < 10) {
                    w.event(TraceFormat.CALLOC, id, size, 0, thread);
                } else {
                    w.event(TraceFormat.POSIX_MEMALIGN + rng.nextInt(5), id, size, 3 + rng.nextInt(10), thread);
                }
                live.add(id);
            } else if (action < 7) {
                int id = live.get(rng.nextInt(live.size()));
                w.event(TraceFormat.REALLOC, id, 1 + rng.nextInt(rng.nextBoolean() ? 200 : 20_000), 0, thread);
            } else {
                int k = rng.nextInt(live.size());
                int id = live.get(k);
                live.set(k, live.getLast());
                live.removeLast();
                freeIds.add(id);
                w.event(TraceFormat.FREE, id, 0, 0, thread);
            }
        }
        return w.finish();
    }
}

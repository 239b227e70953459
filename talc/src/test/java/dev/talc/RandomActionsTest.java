package dev.talc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random actions against the shadow model, with {@code verify()} after every step: allocate,
 * free, reallocate, grow in place, shrink, claim, extend and truncate, over every kind of memory.
 */
class RandomActionsTest {
    private static final long MEMORY_BYTES = 1 << 20;

    static Stream<Arguments> seedsAndMemories() {
        List<Arguments> arguments = new ArrayList<>();
        for (MemoryKind kind : MemoryKind.values()) {
            for (long seed = 1; seed <= 4; seed++) {
                arguments.add(Arguments.of(kind, seed));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("seedsAndMemories")
    void shouldMatchShadowModelWithEveryOperation(MemoryKind kind, long seed) {
        try (MemoryKind.Backing backing = kind.open(MEMORY_BYTES)) {
            Talc talc = new Talc(backing.segment());
            new Driver(talc, new SplittableRandom(seed), 6000).run();
        }
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("seedsAndMemories")
    void shouldMatchShadowModelInCheckedMode(MemoryKind kind, long seed) {
        try (MemoryKind.Backing backing = kind.open(MEMORY_BYTES)) {
            Talc talc = Talc.builder(backing.segment()).checked(true).build();
            new Driver(talc, new SplittableRandom(seed * 31 + 7), 3000).run();
        }
    }

    /** Runs random actions, checking the model and verify() after each. */
    static final class Driver {
        private final Talc talc;
        private final SplittableRandom random;
        private final int steps;
        private final ShadowModel model;
        private final long memoryBytes;

        Driver(Talc talc, SplittableRandom random, int steps) {
            this.talc = talc;
            this.random = random;
            this.steps = steps;
            this.model = new ShadowModel(talc.memory());
            this.memoryBytes = talc.memory().byteSize();
        }

        void run() {
            // start with two heaps, leaving room around them for claims and extensions
            talc.claim(new Span(memoryBytes / 8, memoryBytes / 4));
            talc.claim(new Span(memoryBytes / 2 + 3, memoryBytes / 2 + memoryBytes / 8 + 5));
            for (int step = 0; step < steps; step++) {
                int action = random.nextInt(100);
                if (action < 40) {
                    allocate();
                } else if (action < 70) {
                    free();
                } else if (action < 82) {
                    reallocate();
                } else if (action < 87) {
                    growInPlace();
                } else if (action < 91) {
                    shrink();
                } else if (action < 94) {
                    claim();
                } else if (action < 97) {
                    extend();
                } else {
                    truncate();
                }
                talc.verify();
                model.checkStats(talc.stats());
                if (Boolean.getBoolean("talc.test.paranoid")) {
                    try {
                        model.checkAll();
                    } catch (AssertionError e) {
                        throw new AssertionError("step " + step + " action " + action, e);
                    }
                }
            }
            model.checkAll();
            while (!model.isEmpty()) {
                free();
            }
            talc.verify();
            TalcStats stats = talc.stats();
            assertEquals(0, stats.allocationCount());
            assertEquals(0, stats.allocatedBytes());
            assertEquals(stats.claimedBytes() - Tag.SENTINEL * stats.heapCount(), stats.availableBytes());
            for (Span heap : talc.heaps()) {
                assertTrue(talc.allocatedSpan(heap).isEmpty(), () -> "live memory left in " + heap);
            }
            talc.verify();
            assertEquals(stats.heapCount(), talc.stats().gapCount(), "one gap per empty heap, once cached chunks merge");
            for (Span heap : talc.heaps()) {
                assertEquals(talc.truncate(heap, Span.empty()), Span.empty(), "an empty heap is released");
            }
            assertEquals(0, talc.stats().claimedBytes());
            assertEquals(0, talc.stats().gapCount());
            talc.verify();
        }

        private long size() {
            return switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1, 2, 3, 4 -> random.nextLong(1, 64);
                case 5, 6, 7 -> random.nextLong(1, 1024);
                case 8 -> random.nextLong(1, 16 << 10);
                default -> random.nextLong(1, 64 << 10);
            };
        }

        private long alignment() {
            int r = random.nextInt(100);
            if (r < 60) {
                return 1L << random.nextInt(4);
            }
            if (r < 95) {
                return 16L << random.nextInt(3);
            }
            return 128L << random.nextInt(7);
        }

        private byte fill() {
            return (byte) random.nextInt(1, 256);
        }

        void allocate() {
            long size = size();
            long alignment = alignment();
            long offset = talc.tryAllocate(size, alignment);
            if (offset >= 0) {
                model.add(new ShadowModel.Block(offset, size, alignment, fill()), talc.heaps());
            } else {
                assertTrue(talc.stats().largestGapBytes() < size + alignment + 32,
                        () -> "failed although a gap fits: size=" + size + " alignment=" + alignment + " " + talc.stats());
            }
        }

        void free() {
            if (model.isEmpty()) {
                return;
            }
            ShadowModel.Block block = model.remove(random.nextInt(model.size()));
            talc.free(block.offset(), block.size());
        }

        void reallocate() {
            if (model.isEmpty()) {
                return;
            }
            int index = random.nextInt(model.size());
            ShadowModel.Block block = model.get(index);
            long newSize = size();
            model.checkContents(block, block.size());
            long moved = talc.tryReallocate(block.offset(), block.size(), block.alignment(), newSize);
            if (moved < 0) {
                talc.verify();
                model.checkContents(block, block.size());
                return;
            }
            model.forget(index);
            ShadowModel.Block resized = new ShadowModel.Block(moved, newSize, block.alignment(), block.fill());
            model.checkContents(resized, Math.min(block.size(), newSize));
            model.add(new ShadowModel.Block(moved, newSize, block.alignment(), fill()), talc.heaps());
        }

        void growInPlace() {
            if (model.isEmpty()) {
                return;
            }
            int index = random.nextInt(model.size());
            ShadowModel.Block block = model.get(index);
            long newSize = block.size() + random.nextLong(0, 2048);
            if (talc.tryGrowInPlace(block.offset(), block.size(), newSize)) {
                model.remove(index);
                model.add(new ShadowModel.Block(block.offset(), newSize, block.alignment(), fill()), talc.heaps());
            }
        }

        void shrink() {
            if (model.isEmpty()) {
                return;
            }
            int index = random.nextInt(model.size());
            ShadowModel.Block block = model.get(index);
            long newSize = random.nextLong(0, block.size() + 1);
            model.remove(index);
            talc.shrink(block.offset(), block.size(), newSize);
            model.add(new ShadowModel.Block(block.offset(), newSize, block.alignment(), block.fill()), talc.heaps());
        }

        void claim() {
            long base = random.nextLong(0, memoryBytes - 64);
            long acme = Math.min(memoryBytes, base + random.nextLong(32, memoryBytes / 8));
            Span span = new Span(base, acme);
            Span inward = Fixtures.granulesInward(talc.memory(), span);
            boolean free = talc.heaps().stream().noneMatch(h -> h.overlaps(span));
            if (free && inward.size() >= Tag.MIN_HEAP) {
                Span heap = talc.claim(span);
                assertEquals(inward, heap);
                assertTrue(talc.heaps().contains(heap));
            }
        }

        void extend() {
            List<Span> heaps = talc.heaps();
            if (heaps.isEmpty()) {
                return;
            }
            int index = random.nextInt(heaps.size());
            Span heap = heaps.get(index);
            long floor = index == 0 ? 0 : heaps.get(index - 1).acme();
            long ceiling = index == heaps.size() - 1 ? memoryBytes : heaps.get(index + 1).base();
            long low = random.nextBoolean() ? 0 : random.nextLong(0, heap.base() - floor + 1);
            long high = random.nextBoolean() ? 0 : random.nextLong(0, ceiling - heap.acme() + 1);
            Span wanted = heap.extend(low, high);
            Span now = talc.extend(heap, wanted);
            assertTrue(now.contains(heap) && wanted.contains(now), () -> heap + " -> " + wanted + " = " + now);
        }

        void truncate() {
            List<Span> heaps = talc.heaps();
            if (heaps.isEmpty()) {
                return;
            }
            Span heap = heaps.get(random.nextInt(heaps.size()));
            Span wanted;
            if (random.nextInt(4) == 0) {
                wanted = Span.empty();
            } else {
                long base = random.nextLong(heap.base(), heap.acme());
                wanted = new Span(base, random.nextLong(base, heap.acme() + 1));
            }
            Span allocated = talc.allocatedSpan(heap);
            Span now = talc.truncate(heap, wanted);
            if (now.isEmpty()) {
                assertTrue(allocated.isEmpty());
                assertFalse(talc.heaps().contains(heap));
            } else {
                assertTrue(heap.contains(now) && now.contains(wanted.isEmpty() ? Span.empty() : wanted.wordAlignOutward()),
                        () -> heap + " -> " + wanted + " = " + now);
                assertTrue(allocated.isEmpty() || now.contains(allocated), () -> "cut into " + allocated + ": " + now);
                assertFalse(model.anyOutside(heap, now));
            }
        }
    }
}

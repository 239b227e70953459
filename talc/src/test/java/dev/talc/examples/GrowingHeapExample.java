package dev.talc.examples;

import dev.talc.OomHandler;
import dev.talc.Span;
import dev.talc.Talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap that starts small and grows on demand: the {@link OomHandler#extendDoubling} handler claims a
 * first heap of 64 KiB at the bottom of the memory and doubles it whenever an allocation does not fit,
 * up to the whole memory.
 */
public final class GrowingHeapExample {
    private GrowingHeapExample() {}

    /**
     * Allocates {@code blocks} blocks of 1 KiB and records the heap's size after each growth.
     *
     * @return the distinct heap sizes seen, in order
     */
    public static List<Long> grow(MemorySegment memory, int blocks) {
        Talc talc = new Talc(memory, OomHandler.extendDoubling(Span.ofSize(0, memory.byteSize()), 64 << 10));
        List<Long> sizes = new ArrayList<>();
        List<MemorySegment> live = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            live.add(talc.allocate(1024, 8));   // the first call claims the heap, later ones may extend it
            long size = talc.heaps().getFirst().size();
            if (sizes.isEmpty() || sizes.getLast() != size) {
                sizes.add(size);
            }
        }
        live.forEach(talc::free);
        return sizes;
    }

    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            System.out.println("heap sizes: " + grow(arena.allocate(4 << 20, 4096), 1000));
        }
    }
}

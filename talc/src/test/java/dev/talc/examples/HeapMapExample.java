package dev.talc.examples;

import dev.talc.HeapMap;
import dev.talc.Talc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a fragmented heap: random blocks, then every other one freed. Prints the text map and writes
 * the SVG picture the README shows ({@code docs/heap-map.svg}). Regenerate it from the repository root:
 *
 * <pre>
 * mvn -q -B -pl talc test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.talc.examples.HeapMapExample -Dexec.args=docs/heap-map.svg
 * </pre>
 */
public final class HeapMapExample {
    private HeapMapExample() {}

    /**
     * A 256 KiB heap after a seeded random workload that leaves it fragmented.
     *
     * @return the allocator, with live blocks, free gaps and cached small chunks
     */
    public static Talc fragmentedHeap() {
        Talc talc = Talc.over(MemorySegment.ofArray(new long[256 << 10 >> 3]));
        SplittableRandom random = new SplittableRandom(42);
        List<long[]> live = new ArrayList<>();
        while (true) {
            long size = random.nextInt(4) == 0 ? random.nextLong(1024, 6000) : random.nextLong(16, 400);
            long offset = talc.tryAllocate(size, 8);
            if (offset < 0 || talc.stats().availableBytes() < (48 << 10)) {
                break;
            }
            live.add(new long[] {offset, size});
        }
        for (int i = 0; i < live.size(); i++) {
            if (random.nextInt(5) < 2) {
                talc.free(live.get(i)[0], live.get(i)[1]);
            }
        }
        return talc;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/heap-map.svg");
        HeapMap map = HeapMap.of(fragmentedHeap());
        System.out.print(map.toText(96, 1024));
        System.out.println(map);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        map.writeSvg(file);
        System.out.println("wrote " + file.toAbsolutePath());
    }
}

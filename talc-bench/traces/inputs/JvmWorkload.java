// Input of the trace "jvm": a small program run by JDK 17's source launcher (`java JvmWorkload.java`), so
// the trace holds the JVM's own malloc traffic: startup, class loading, javac compiling this file in memory,
// the JIT compiling the loops below, GC threads; and the native memory Java code gets through the JDK: direct
// ByteBuffers (Unsafe.allocateMemory, freed by their Cleaner after a GC) and java.util.zip's Deflater and
// Inflater (zlib's state and window). Deterministic in what it computes (seeded), not in the JVM's thread
// timing.
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.stream.*;
import java.util.zip.*;

public class JvmWorkload {
    public static void main(String[] args) {
        Random rng = new Random(42);
        Map<String, Integer> counts = new TreeMap<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            String w = Integer.toString(rng.nextInt(50_000), 36);
            counts.merge(w, 1, Integer::sum);
            if (i % 10 == 0) {
                text.append(w).append(' ');
            }
        }
        List<String> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).limit(10).collect(Collectors.toList());
        long sum = IntStream.range(0, 2_000_000).mapToLong(i -> (long) i * i % 1_000_003).sum();
        String joined = Arrays.stream(text.toString().split(" ")).map(String::toUpperCase).sorted()
                .collect(Collectors.joining(","));
        ByteBuffer[] window = new ByteBuffer[2000];
        long touched = 0;
        for (int i = 0; i < 150_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(16 + (int) Math.min(65_536, (long) (16 / (rng.nextDouble() + 0.001))));
            b.put(0, (byte) i);
            touched += b.capacity();
            window[rng.nextInt(window.length)] = b;
        }
        byte[] input = joined.getBytes(StandardCharsets.UTF_8);
        long packed = 0;
        for (int i = 0; i < 3_000; i++) {
            Deflater d = new Deflater(1 + i % 9);
            d.setInput(input, 0, 1000 + (i * 37) % (input.length - 1000));
            d.finish();
            byte[] out = new byte[input.length];
            int n = d.deflate(out);
            d.end();
            Inflater inf = new Inflater();
            inf.setInput(out, 0, n);
            try {
                packed += inf.inflate(new byte[input.length]);
            } catch (DataFormatException e) {
                throw new IllegalStateException(e);
            }
            inf.end();
        }
        System.out.println(counts.size() + " " + sorted + " " + sum + " " + joined.length() + " " + touched + " " + packed);
    }
}

package dev.talc.examples;

import dev.talc.Talc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Talc blocks as {@link ByteBuffer}s for NIO: a block's {@code asByteBuffer()} is a direct buffer over
 * the same native memory, written to a file with a {@link FileChannel} and read back into another block,
 * with no copy through the Java heap.
 */
public final class ByteBufferExample {
    private ByteBufferExample() {}

    /**
     * Writes {@code text} from a Talc block to {@code file} and reads it back into another block.
     *
     * @return the text read back
     */
    public static String roundTrip(Talc talc, Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment out = talc.allocate(bytes.length, 8);
        ByteBuffer outBuffer = out.asByteBuffer();   // a view: position 0, limit = block size
        outBuffer.put(bytes).flip();
        MemorySegment in = talc.allocate(bytes.length, 8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (outBuffer.hasRemaining()) {
                channel.write(outBuffer);
            }
            ByteBuffer inBuffer = in.asByteBuffer();
            channel.position(0);
            while (inBuffer.hasRemaining() && channel.read(inBuffer) >= 0) {
                // keep reading until the block is full
            }
        }
        String result = new String(in.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        talc.free(out);
        talc.free(in);
        return result;
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("talc", ".bin");
        try (Arena arena = Arena.ofConfined()) {
            Talc talc = Talc.over(arena.allocate(1 << 16, 16));
            System.out.println(roundTrip(talc, file, "through a FileChannel"));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package dev.talc.examples;

import dev.talc.Talc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A heap in a memory-mapped file: allocate and write through the mapping, unmap, map the file again and
 * read the data back. The data outlives the mapping (and the process); the allocator's own state (which
 * blocks are live) is not persisted here, so the program keeps the block's offset itself.
 */
public final class MappedFileExample {
    private static final long FILE_BYTES = 1 << 20;

    private MappedFileExample() {}

    /**
     * Stores {@code message} in a Talc block of a mapped file, then reads it back from a fresh mapping.
     *
     * @return the message as read from the second mapping
     */
    public static String storeAndReload(Path file, String message) throws IOException {
        long offset;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES, arena);
            Talc talc = Talc.over(mapped);
            MemorySegment block = talc.allocateFrom(message);   // a slice of the mapping
            offset = block.address() - mapped.address();        // == the block's offset in the file
            mapped.force();                                     // flush to the file now (optional)
        }                                                       // unmapped here
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, FILE_BYTES, arena);
            return mapped.getString(offset);
        }
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("talc", ".heap");
        try {
            System.out.println(storeAndReload(file, "stored in a mapped file"));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

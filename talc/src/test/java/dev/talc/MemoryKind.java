package dev.talc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The kinds of memory a Talc must work over, for parameterized tests: native, a memory-mapped file,
 * a {@code long[]} on the Java heap, and a native segment whose address is only 8-aligned (so that
 * alignment is computed on addresses, not offsets).
 */
enum MemoryKind {
    NATIVE {
        @Override
        Backing open(long bytes) {
            Arena arena = Arena.ofShared();
            return new Backing(arena.allocate(bytes, 4096), arena::close);
        }
    },
    NATIVE_ODD_BASE {
        @Override
        Backing open(long bytes) {
            Arena arena = Arena.ofShared();
            // address ≡ 8 (mod 4096): offsets and addresses differ in alignment
            return new Backing(arena.allocate(bytes + 4096, 4096).asSlice(8, bytes), arena::close);
        }
    },
    MAPPED_FILE {
        @Override
        Backing open(long bytes) {
            try {
                Path file = Files.createTempFile("talc-test", ".heap");
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                Arena arena = Arena.ofShared();
                MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
                return new Backing(segment, () -> {
                    arena.close();
                    try {
                        channel.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    LONG_ARRAY {
        @Override
        Backing open(long bytes) {
            return new Backing(MemorySegment.ofArray(new long[(int) (bytes / 8)]), () -> {});
        }
    };

    abstract Backing open(long bytes);

    /** A segment and how to release it. */
    record Backing(MemorySegment segment, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}

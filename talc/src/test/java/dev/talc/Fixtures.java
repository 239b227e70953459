package dev.talc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Small helpers shared by the core tests: fresh native memory for each test, fill patterns over blocks and
 * checks that they are intact.
 */
final class Fixtures {
    private Fixtures() {}

    /**
     * A test class whose every test gets fresh native memory: {@link #memory}, 4096-aligned (so addresses
     * and offsets agree mod 4096), from a new {@link #arena} opened before the test and closed after it,
     * unless the test closed it itself.
     */
    abstract static class FreshMemory {
        private final long bytes;
        private final Supplier<Arena> arenas;
        Arena arena;
        MemorySegment memory;

        /**
         * @param bytes  the size of the memory
         * @param arenas the kind of arena, e.g. {@code Arena::ofShared}
         */
        FreshMemory(long bytes, Supplier<Arena> arenas) {
            this.bytes = bytes;
            this.arenas = arenas;
        }

        @BeforeEach
        final void openMemory() {
            arena = arenas.get();
            memory = arena.allocate(bytes, 4096);
        }

        @AfterEach
        final void closeMemory() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    /** A live block of a test, with the byte every one of its bytes was filled with. */
    record Live(long offset, long size, byte pattern) {}

    /** Fills {@code [offset, offset + size)} of {@code memory} with {@code pattern}. */
    static Live fill(MemorySegment memory, long offset, long size, byte pattern) {
        memory.asSlice(offset, size).fill(pattern);
        return new Live(offset, size, pattern);
    }

    /** A non-zero pattern byte derived from {@code i}, different for neighbouring {@code i}. */
    static byte pattern(long i) {
        return (byte) (0x11 + (i * 37) % 200);
    }

    /** Fails unless every byte of {@code [offset, offset + size)} is {@code pattern}. */
    static void assertFilled(MemorySegment memory, long offset, long size, byte pattern) {
        MemorySegment slice = memory.asSlice(offset, size);
        long mismatch = slice.mismatch(MemorySegment.ofArray(new byte[(int) size]).fill(pattern));
        if (mismatch >= 0) {
            fail("byte at offset 0x" + Long.toHexString(offset + mismatch) + " is "
                    + slice.get(ValueLayout.JAVA_BYTE, mismatch) + ", expected " + pattern + " (block offset=0x"
                    + Long.toHexString(offset) + " size=" + size + ")");
        }
    }

    static void assertIntact(MemorySegment memory, List<Live> blocks) {
        for (Live block : blocks) {
            assertFilled(memory, block.offset(), block.size(), block.pattern());
        }
    }

    /** Fails unless {@code memory.address() + offset} is a multiple of {@code alignment}. */
    static void assertAligned(MemorySegment memory, long offset, long alignment) {
        assertEquals(0, (memory.address() + offset) & (alignment - 1),
                () -> "offset=0x" + Long.toHexString(offset) + " address=0x"
                        + Long.toHexString(memory.address() + offset) + " not aligned to " + alignment);
    }

    /** The heap {@code claim(span)} makes: {@code span} trimmed inward to whole 16-byte granules of the address. */
    static Span granulesInward(MemorySegment memory, Span span) {
        long base = alignUp(memory, span.base());
        long acme = alignDown(memory, span.acme());
        return base < acme ? new Span(base, acme) : Span.empty();
    }

    /** {@code span} widened to whole 16-byte granules of the address, as {@code truncate} widens its target. */
    static Span granulesOutward(MemorySegment memory, Span span) {
        return new Span(alignDown(memory, span.base()), alignUp(memory, span.acme()));
    }

    private static long alignUp(MemorySegment memory, long offset) {
        return ((memory.address() + offset + Tag.GRANULE - 1) & -Tag.GRANULE) - memory.address();
    }

    private static long alignDown(MemorySegment memory, long offset) {
        return ((memory.address() + offset) & -Tag.GRANULE) - memory.address();
    }
}

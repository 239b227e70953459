package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Small helpers shared by the core tests: fill patterns over blocks and checks that they are intact. */
final class Fixtures {
    private Fixtures() {}

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
}

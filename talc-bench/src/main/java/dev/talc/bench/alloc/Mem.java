package dev.talc.bench.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Raw memory access shared by the adapters: one segment spanning the whole address space (made once,
 * so touching a block allocates nothing), plus the arithmetic of over-allocation for alignment.
 *
 * <p>{@link MemorySegment#reinterpret(long)} is a restricted method: the JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} (or it prints a warning on first use).
 */
final class Mem {

    /** Every address of the process, as one segment starting at 0 (offset = address). */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Mem() {
    }

    static void putByte(long address, byte value) {
        ALL.set(ValueLayout.JAVA_BYTE, address, value);
    }

    static byte getByte(long address) {
        return ALL.get(ValueLayout.JAVA_BYTE, address);
    }

    /** {@code address} must be 8-aligned. */
    static void putLong(long address, long value) {
        ALL.set(ValueLayout.JAVA_LONG, address, value);
    }

    /** {@code address} must be 8-aligned. */
    static long getLong(long address) {
        return ALL.get(ValueLayout.JAVA_LONG, address);
    }

    /** Zeros for {@link #zero}: copied from, never written. */
    private static final MemorySegment ZEROS = java.lang.foreign.Arena.global().allocate(1 << 16, 16);

    /** Writes {@code bytes} zeros at {@code address}, by copying from a zeroed segment (allocates nothing). */
    static void zero(long address, long bytes) {
        zero(ALL, address, bytes);
    }

    /** Writes {@code bytes} zeros into {@code target} from {@code offset}. */
    static void zero(MemorySegment target, long offset, long bytes) {
        long done = 0;
        while (done < bytes) {
            long n = Math.min(bytes - done, ZEROS.byteSize());
            MemorySegment.copy(ZEROS, 0, target, offset + done, n);
            done += n;
        }
    }

    /** Copies {@code bytes} bytes; the ranges may overlap. */
    static void copy(long from, long to, long bytes) {
        MemorySegment.copy(ALL, from, ALL, to, bytes);
    }

    /** Rounds {@code x} up to a multiple of {@code align} (a power of two). */
    static long alignUp(long x, long align) {
        return (x + align - 1) & -align;
    }

    /**
     * Alignment by over-allocation for a peer without an alignment parameter, whose blocks are 8-aligned: given
     * a block of {@code size + align} bytes at {@code address}, returns the first {@code align}-aligned address
     * at least 8 bytes in (so {@code size} bytes still fit) and keeps {@code original} (what the peer must get
     * back to free the block) in the 8 bytes just below it, where {@link #headerBelow} finds it: align bytes of
     * overhead, no side table.
     */
    static long alignUpWithHeader(long address, long align, long original) {
        long aligned = alignUp(address + 8, align);
        putLong(aligned - 8, original);
        return aligned;
    }

    /** What {@link #alignUpWithHeader} kept below the aligned address {@code aligned}. */
    static long headerBelow(long aligned) {
        return getLong(aligned - 8);
    }

    static boolean isAligned(long x, long align) {
        return (x & (align - 1)) == 0;
    }

    /** Throws unless {@code align} is a positive power of two (the adapters' common argument check). */
    static void checkAlign(long align) {
        if (align <= 0 || (align & (align - 1)) != 0) {
            throw new IllegalArgumentException("alignment must be a power of two: " + align);
        }
    }
}

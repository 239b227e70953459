package dev.talc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * The allocation API shared by {@link Talc} (single-threaded) and {@link ConcurrentTalc}
 * (thread-safe): code written against it works with either.
 *
 * <p>Blocks live in {@link #memory()}. The raw methods take and return <em>offsets</em> into it and
 * allocate no Java objects; the segment methods hand out slices of it.
 *
 * {@snippet :
 * static MemorySegment copyOf(TalcAllocator allocator, byte[] bytes) {
 *     MemorySegment block = allocator.allocate(bytes.length, 1);
 *     MemorySegment.copy(bytes, 0, block, ValueLayout.JAVA_BYTE, 0, bytes.length);
 *     return block;
 * }
 * }
 *
 * @apiNote Thread-safety is that of the implementation: {@link Talc} must be confined to one thread at
 *          a time, {@link ConcurrentTalc} may be shared.
 */
public sealed interface TalcAllocator extends SegmentAllocator permits Talc, ConcurrentTalc {

    /**
     * The memory blocks are carved from; offsets are relative to it.
     *
     * @return the memory segment
     */
    MemorySegment memory();

    /**
     * Allocates a block and returns its offset, or -1 when out of memory. Allocates no Java objects.
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return the block's offset in {@link #memory()}, or -1
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is not a power of
     *                                  two greater than 0
     */
    long tryAllocate(long byteSize, long byteAlignment);

    /**
     * Frees a block.
     *
     * @param offset   the block's offset
     * @param byteSize the block's size, exactly as last requested
     * @throws IllegalArgumentException if the block is not live; nothing is changed
     */
    void free(long offset, long byteSize);

    /**
     * Resizes a block, in place when possible; contents up to the smaller size are kept.
     *
     * @param offset        the block's offset
     * @param byteSize      the block's size, exactly as last requested
     * @param byteAlignment the alignment the block must keep
     * @param newByteSize   the new size
     * @return the block's new offset, or -1 when out of memory (the old block is then untouched)
     * @throws IllegalArgumentException if the block is not live, {@code newByteSize < 0}, or
     *                                  {@code byteAlignment} is invalid; nothing is changed
     */
    long tryReallocate(long offset, long byteSize, long byteAlignment, long newByteSize);

    /**
     * Grows a block in place if the memory right above it is free.
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, at least {@code byteSize}
     * @return true if the block now has {@code newByteSize} bytes; false if unchanged
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < byteSize}
     */
    boolean tryGrowInPlace(long offset, long byteSize, long newByteSize);

    /**
     * Shrinks a block in place.
     *
     * @param offset      the block's offset
     * @param byteSize    the block's size, exactly as last requested
     * @param newByteSize the new size, between 0 and {@code byteSize}
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize} is out of range
     */
    void shrink(long offset, long byteSize, long newByteSize);

    /**
     * Allocates a block as a slice of {@link #memory()}.
     *
     * @param byteSize      the block size in bytes
     * @param byteAlignment the alignment of the block's address, a power of two
     * @return a segment of exactly {@code byteSize} bytes
     * @throws IllegalArgumentException if {@code byteSize < 0}, or {@code byteAlignment} is invalid
     * @throws OutOfMemoryError         if the block does not fit
     */
    @Override
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Frees a block this allocator returned.
     *
     * @param block exactly a segment returned by {@link #allocate} or {@link #reallocate}
     * @throws IllegalArgumentException if {@code block} is not a live block of this allocator
     */
    void free(MemorySegment block);

    /**
     * Resizes a block, keeping its contents and the alignment of its address up to 16 bytes.
     *
     * @param block       a live block returned by this allocator
     * @param newByteSize the new size
     * @return the resized block
     * @throws IllegalArgumentException if the block is not live, or {@code newByteSize < 0}
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    MemorySegment reallocate(MemorySegment block, long newByteSize);

    /**
     * Resizes a block, keeping its contents and {@code byteAlignment}.
     *
     * @param block         a live block returned by this allocator
     * @param newByteSize   the new size
     * @param byteAlignment the alignment the resized block must have
     * @return the resized block
     * @throws IllegalArgumentException if the block is not live, {@code newByteSize < 0}, or
     *                                  {@code byteAlignment} is invalid
     * @throws OutOfMemoryError         if the block must move and nothing fits; the old block is kept
     */
    MemorySegment reallocate(MemorySegment block, long newByteSize, long byteAlignment);

    /**
     * A snapshot of the counters.
     *
     * @return the counters
     */
    TalcStats stats();

    /**
     * Checks every invariant of the allocator's heaps.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    void verify();
}

package dev.talc;

import java.lang.foreign.Arena;
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
     * Opens a confined {@link Arena} whose segments come from this allocator's memory and die when it
     * closes: the JDK's {@code try (Arena arena = Arena.ofConfined())} idiom, with this allocator's
     * memory instead of a {@code malloc} and a {@code free} per segment.
     *
     * {@snippet :
     * MemorySegment name;
     * try (Arena arena = talc.newArena()) {
     *     name = arena.allocateFrom("talc");              // a C string, in talc's memory
     *     MemorySegment buffer = arena.allocate(256);     // 256 zeroed bytes
     *     long length = (long) strlen.invokeExact(name);
     * }                                                   // both segments die; their memory goes back to talc
     * name.get(ValueLayout.JAVA_BYTE, 0);                 // IllegalStateException, never a stale read
     * }
     *
     * <p>The arena behaves as {@link Arena#ofConfined()}'s:
     * <ul>
     * <li>{@link Arena#allocate(long, long) allocate} returns a native segment of exactly the size and
     *     alignment asked for, inside {@link #memory()}, <b>zeroed</b> (the {@code allocateFrom} helpers
     *     skip zeroing what they overwrite at once, as the JDK's arenas do). Bad sizes and alignments throw
     *     {@link IllegalArgumentException} as {@link SegmentAllocator#allocate(long, long)} documents; if the
     *     allocator has no room, {@link OutOfMemoryError}; either way the arena is unchanged and stays
     *     usable.</li>
     * <li>Every segment's scope is the arena's. After {@link Arena#close() close()} each one is
     *     inaccessible (an access throws {@link IllegalStateException}, {@code isAlive()} is false), and
     *     every block is back in this allocator: {@link #stats()} shows the live blocks, allocated and
     *     available bytes it showed before the arena opened (unless other code changed them meanwhile; a
     *     {@link ConcurrentTalc} that merged free memory of its shards has 8 bytes more available per heap
     *     it merged away).</li>
     * <li>Only the thread that opened the arena may allocate from it, close it, or access its segments;
     *     another thread gets {@link WrongThreadException}. A second close, or an allocation after close,
     *     throws {@link IllegalStateException}. None of these change anything.</li>
     * </ul>
     * The arena takes slabs from this allocator (1016 bytes when it opens, 16 KiB and more once the
     * thread's scopes need more) and hands out slices of them, so a scope whose segments fit in its slab
     * costs at most one allocation and one free; while it is open, {@link #stats()} counts the slabs, not
     * the segments. A request of half a slab or more gets a block of its own; when no slab fits, each
     * request gets its own, so the arena runs out of memory only when the request itself does not fit.
     * When an arena closes with a single slab, the slab may be <i>parked</i> for the next arena (of the
     * same thread, with {@link ConcurrentTalc}), which then takes it back without any allocator work. A
     * parked slab is free memory: {@link #stats()}, {@link #verify()}, heap edits and any allocation that
     * would otherwise fail give it back first, so no caller sees it as used and nothing is stranded.
     *
     * <p><b>Native access.</b> Giving a slice of native memory the arena's scope is a restricted method
     * ({@link MemorySegment#reinterpret(Arena, java.util.function.Consumer)}), so the module {@code dev.talc}
     * needs native access: run with {@code --enable-native-access=dev.talc} on the module path, or
     * {@code --enable-native-access=ALL-UNNAMED} on the class path. Without it the JDK prints a warning
     * when the first arena opens (or, with {@code --illegal-native-access=deny}, this method throws).
     *
     * <p><b>Lifetime.</b> The allocator's memory must outlive the arena. A segment of the arena is a
     * re-scoped slice that does not keep the memory's own arena alive: closing that arena (or unmapping
     * the file) while this one is open leaves its segments pointing at released memory, which the JDK can
     * no longer check.
     *
     * @return a new open arena, confined to the calling thread
     * @throws UnsupportedOperationException if {@link #memory()} is not native (a {@code long[]} heap
     *                                       segment cannot be given another scope)
     * @throws IllegalCallerException        if the module {@code dev.talc} may not call restricted methods
     *                                       ({@code --illegal-native-access=deny} without
     *                                       {@code --enable-native-access})
     * @throws IllegalStateException         if the memory's arena is closed
     * @throws WrongThreadException          if the memory is confined to another thread
     * @apiNote The arena is confined to the thread that opened it. The allocator keeps its own thread-safety
     *          meanwhile: a {@link ConcurrentTalc} may be used by other threads while the arena is open; a
     *          {@link Talc} must not be used by another thread at the same time, arena or not.
     */
    Arena newArena();

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

package dev.talc;

import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * What a {@link Talc} does when no gap can hold a requested block: make room, or give up.
 *
 * <p>The allocator calls {@link #handleOom} with the failed request, and calls it again as long as it
 * returns {@code true} and the allocation still does not fit. The handler makes room by claiming new
 * heaps ({@link Talc#claim}), extending existing ones ({@link Talc#extend}) or freeing blocks. Two
 * safeguards keep a faulty handler from hurting the heap: if it returns {@code true} without adding
 * any free memory, or throws a {@link RuntimeException} (the JDK's own included, such as the
 * {@link IllegalStateException} of a closed arena), the allocation fails at once, the exception
 * becoming the {@linkplain Throwable#getCause() cause} of the {@link OutOfMemoryError} (and
 * {@code tryAllocate} returning -1); nothing else is changed. An {@link Error} the handler throws
 * passes through unchanged.
 *
 * {@snippet :
 * // grow the heap at the bottom of the segment, doubling it, up to the whole segment
 * OomHandler grow = OomHandler.extendDoubling(Span.ofSize(0, memory.byteSize()), 4096);
 * Talc talc = new Talc(memory, grow);
 * MemorySegment block = talc.allocate(10_000, 8);   // the first call claims a heap
 * }
 *
 * @apiNote A handler is called on the thread that allocates, with the allocator in a consistent state;
 *          it may call any method of the allocator it is given (including {@code allocate}, recursively).
 *          The built-in handlers keep no mutable state except {@link #claimOnce(Span)}, which remembers
 *          that it has claimed; none of them is meant to serve several allocators at once.
 */
@FunctionalInterface
public interface OomHandler {

    /**
     * Tries to make room for an allocation that did not fit.
     *
     * @param talc          the allocator that is out of memory
     * @param byteSize      the size of the failed request
     * @param byteAlignment its alignment
     * @return {@code true} to retry the allocation (room was made), {@code false} to fail it
     */
    boolean handleOom(Talc talc, long byteSize, long byteAlignment);

    /**
     * Never makes room: allocations fail as soon as nothing fits. The default.
     *
     * @return the handler
     */
    static OomHandler fail() {
        return OomHandlers.FAIL;
    }

    /**
     * Claims {@code span} as a new heap on the first out-of-memory, then fails.
     *
     * @param span the span of memory to claim
     * @return a new handler (stateful: use one per allocator)
     * @throws NullPointerException if {@code span} is null
     */
    static OomHandler claimOnce(Span span) {
        return new OomHandlers.ClaimOnce(Objects.requireNonNull(span, "span"));
    }

    /**
     * Grows one heap inside {@code limit}, doubling it each time, never past {@code limit} (the seed's
     * example). With no heap inside {@code limit} yet, it claims one at {@code limit.base()} of
     * {@code initialBytes} (or more, if the failed request needs it).
     *
     * @param limit        the span the heap may grow to fill
     * @param initialBytes the size of the first heap it claims
     * @return the handler
     * @throws IllegalArgumentException if {@code initialBytes < 40} or {@code limit} is smaller than that
     */
    static OomHandler extendDoubling(Span limit, long initialBytes) {
        return new OomHandlers.ExtendDoubling(limit, initialBytes, null, 0);
    }

    /**
     * Like {@link #extendDoubling(Span, long)} for a heap in a memory-mapped file: before each claim or
     * extension it makes the file at least as long as the new heap, so the new pages are backed.
     *
     * <p>Map the file once with room to grow ({@code channel.map(READ_WRITE, position, reserve, arena)}),
     * then, if the file should start small, truncate it again: the mapping keeps its size while the file
     * grows on demand, and the part of the mapping beyond the file is never touched.
     *
     * @param channel       the channel of the mapped file (open for writing)
     * @param mapPosition   the file position that offset 0 of the allocator's memory maps
     * @param limit         the span the heap may grow to fill
     * @param initialBytes  the size of the first heap it claims
     * @return the handler; an {@link java.io.IOException} while growing the file fails the allocation,
     *         wrapped in an {@link java.io.UncheckedIOException} as the cause
     * @throws IllegalArgumentException if {@code mapPosition < 0}, {@code initialBytes < 40} or
     *         {@code limit} is smaller than that
     */
    static OomHandler growMappedFile(FileChannel channel, long mapPosition, Span limit, long initialBytes) {
        Objects.requireNonNull(channel, "channel");
        if (mapPosition < 0) {
            throw new IllegalArgumentException("mapPosition=" + mapPosition + " must be >= 0");
        }
        return new OomHandlers.ExtendDoubling(limit, initialBytes, channel, mapPosition);
    }

    /**
     * A handler that tries this one first and, when it gives up, {@code other}.
     *
     * @param other the fallback handler
     * @return the combined handler
     * @throws NullPointerException if {@code other} is null
     */
    default OomHandler orElse(OomHandler other) {
        Objects.requireNonNull(other, "other");
        return (talc, byteSize, byteAlignment) ->
                handleOom(talc, byteSize, byteAlignment) || other.handleOom(talc, byteSize, byteAlignment);
    }
}

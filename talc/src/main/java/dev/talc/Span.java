package dev.talc;

/**
 * A half-open range of byte offsets {@code [base, acme)} in an allocator's memory.
 *
 * <p>Spans describe heaps ({@link Talc#claim(Span)}, {@link Talc#heaps()}) and the parts of them that
 * hold or may hold allocations. A span whose {@code acme <= base} is <em>empty</em>; every empty span has
 * size zero and contains nothing, whatever its bounds. The helpers never overflow silently: arithmetic
 * that would leave the {@code long} range throws {@link ArithmeticException}.
 *
 * {@snippet :
 * Span heap = Span.ofSize(0, 1 << 20);            // [0x0, 0x100000)
 * Span doubled = heap.extend(0, heap.size());       // [0x0, 0x200000)
 * Span capped = doubled.below(0x180000);            // [0x0, 0x180000)
 * assert capped.contains(heap) && capped.size() == 0x180000;
 * }
 *
 * @param base the first offset in the span
 * @param acme the first offset above the span
 * @apiNote Immutable and thread-safe.
 */
public record Span(long base, long acme) {

    private static final Span EMPTY = new Span(0, 0);

    /**
     * The canonical empty span {@code [0, 0)}.
     *
     * @return the empty span
     */
    public static Span empty() {
        return EMPTY;
    }

    /**
     * The span {@code [base, base + size)}.
     *
     * @param base the first offset
     * @param size the number of bytes
     * @return the span
     * @throws IllegalArgumentException if {@code size < 0}
     * @throws ArithmeticException if {@code base + size} overflows
     */
    public static Span ofSize(long base, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size=" + size + " must be >= 0");
        }
        return new Span(base, Math.addExact(base, size));
    }

    /**
     * True when the span holds no byte ({@code acme <= base}).
     *
     * @return whether empty
     */
    public boolean isEmpty() {
        return acme <= base;
    }

    /**
     * The number of bytes in the span; zero when empty.
     *
     * @return the size
     */
    public long size() {
        return isEmpty() ? 0 : Math.subtractExact(acme, base);
    }

    /**
     * Whether {@code offset} lies in {@code [base, acme)}.
     *
     * @param offset a byte offset
     * @return whether the span contains it
     */
    public boolean contains(long offset) {
        return offset >= base && offset < acme;
    }

    /**
     * Whether every byte of {@code other} lies in this span; an empty span is contained in every span.
     *
     * @param other another span
     * @return whether this span contains it
     */
    public boolean contains(Span other) {
        return other.isEmpty() || (!isEmpty() && other.base >= base && other.acme <= acme);
    }

    /**
     * Whether the two spans share at least one byte.
     *
     * @param other another span
     * @return whether they overlap
     */
    public boolean overlaps(Span other) {
        return !isEmpty() && !other.isEmpty() && other.base < acme && base < other.acme;
    }

    /**
     * This span without the part below {@code min}: {@code [max(base, min), acme)}.
     *
     * @param min the lowest offset to keep
     * @return the clipped span (possibly empty)
     */
    public Span above(long min) {
        return new Span(Math.max(base, min), acme);
    }

    /**
     * This span without the part at or above {@code max}: {@code [base, min(acme, max))}.
     *
     * @param max the first offset to drop
     * @return the clipped span (possibly empty)
     */
    public Span below(long max) {
        return new Span(base, Math.min(acme, max));
    }

    /**
     * The intersection of the two spans (the seed's {@code fit_within}).
     *
     * @param outer the span to fit within
     * @return the largest span inside both, possibly empty
     */
    public Span fitWithin(Span outer) {
        return new Span(Math.max(base, outer.base), Math.min(acme, outer.acme));
    }

    /**
     * The smallest span holding both spans (the seed's {@code fit_over}); empty spans are ignored.
     *
     * @param other the other span
     * @return the hull of the two spans
     */
    public Span fitOver(Span other) {
        if (isEmpty()) {
            return other;
        }
        if (other.isEmpty()) {
            return this;
        }
        return new Span(Math.min(base, other.base), Math.max(acme, other.acme));
    }

    /**
     * Grows the span by {@code low} bytes downwards and {@code high} bytes upwards.
     *
     * @param low  bytes to add below {@code base} (may be negative to shrink)
     * @param high bytes to add above {@code acme} (may be negative to shrink)
     * @return the extended span
     * @throws ArithmeticException on overflow
     */
    public Span extend(long low, long high) {
        return new Span(Math.subtractExact(base, low), Math.addExact(acme, high));
    }

    /**
     * Shrinks the span by {@code low} bytes from below and {@code high} bytes from above.
     *
     * @param low  bytes to drop above {@code base}
     * @param high bytes to drop below {@code acme}
     * @return the truncated span (possibly empty)
     * @throws ArithmeticException on overflow
     */
    public Span truncate(long low, long high) {
        return extend(Math.negateExact(low), Math.negateExact(high));
    }

    /**
     * The largest span inside this one whose bounds are multiples of {@code alignment}.
     *
     * @param alignment a power of two
     * @return the aligned span (possibly empty)
     * @throws IllegalArgumentException if {@code alignment} is not a power of two
     */
    public Span alignInward(long alignment) {
        long mask = alignmentMask(alignment);
        return new Span(Math.addExact(base, mask) & ~mask, acme & ~mask);
    }

    /**
     * The smallest span holding this one whose bounds are multiples of {@code alignment}.
     *
     * @param alignment a power of two
     * @return the aligned span
     * @throws IllegalArgumentException if {@code alignment} is not a power of two
     */
    public Span alignOutward(long alignment) {
        long mask = alignmentMask(alignment);
        return new Span(base & ~mask, Math.addExact(acme, mask) & ~mask);
    }

    /**
     * {@link #alignInward(long)} to the 8-byte word.
     *
     * @return the word-aligned span inside this one
     */
    public Span wordAlignInward() {
        return alignInward(Long.BYTES);
    }

    /**
     * {@link #alignOutward(long)} to the 8-byte word.
     *
     * @return the word-aligned span over this one
     */
    public Span wordAlignOutward() {
        return alignOutward(Long.BYTES);
    }

    private static long alignmentMask(long alignment) {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("alignment=" + alignment + " must be a power of two");
        }
        return alignment - 1;
    }

    /**
     * The span as {@code [0xbase, 0xacme)}.
     *
     * @return a readable form
     */
    @Override
    public String toString() {
        return "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(acme) + ")";
    }
}

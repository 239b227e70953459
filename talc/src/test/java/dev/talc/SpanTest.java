package dev.talc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every helper of {@link Span}, with empty spans, overflow and invalid alignments. */
class SpanTest {

    @Test
    void shouldMakeCanonicalEmptySpan() {
        Span empty = Span.empty();
        assertEquals(new Span(0, 0), empty);
        assertSame(empty, Span.empty());
        assertTrue(empty.isEmpty());
        assertEquals(0, empty.size());
    }

    @Test
    void shouldMakeSpanOfSize() {
        assertEquals(new Span(16, 48), Span.ofSize(16, 32));
        assertEquals(new Span(-8, 8), Span.ofSize(-8, 16));
        assertEquals(new Span(5, 5), Span.ofSize(5, 0));
        assertEquals(new Span(Long.MAX_VALUE - 1, Long.MAX_VALUE), Span.ofSize(Long.MAX_VALUE - 1, 1));
    }

    @Test
    void shouldRejectNegativeSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Span.ofSize(0, -1));
        assertTrue(e.getMessage().contains("size=-1"), e.getMessage());
    }

    @Test
    void shouldThrowOnOverflowingSize() {
        assertThrows(ArithmeticException.class, () -> Span.ofSize(Long.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> Span.ofSize(1, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 8, -8, Long.MIN_VALUE})
    void shouldTreatSpansWithAcmeNotAboveBaseAsEmpty(long base) {
        for (long acme : new long[] {base, base - 1, Long.MIN_VALUE}) {
            if (acme > base) {
                continue;
            }
            Span span = new Span(base, acme);
            assertTrue(span.isEmpty(), span::toString);
            assertEquals(0, span.size(), span::toString);
            assertFalse(span.contains(base), span::toString);
            assertFalse(span.contains(acme), span::toString);
        }
    }

    @Test
    void shouldMeasureSize() {
        assertEquals(32, new Span(16, 48).size());
        assertEquals(0, new Span(48, 16).size());
        assertEquals(Long.MAX_VALUE, new Span(0, Long.MAX_VALUE).size());
        assertEquals(Long.MAX_VALUE, new Span(-1, Long.MAX_VALUE - 1).size());
        assertFalse(new Span(16, 17).isEmpty());
    }

    @Test
    void shouldThrowWhenSizeDoesNotFitALong() {
        // The class doc promises that no helper overflows silently.
        Span huge = new Span(Long.MIN_VALUE, Long.MAX_VALUE);
        assertFalse(huge.isEmpty());
        assertThrows(ArithmeticException.class, huge::size, () -> "size() returned " + sizeOrThrow(huge));
    }

    private static String sizeOrThrow(Span span) {
        try {
            return Long.toString(span.size());
        } catch (ArithmeticException e) {
            return e.toString();
        }
    }

    @Test
    void shouldContainOffsetsHalfOpen() {
        Span span = new Span(16, 48);
        assertFalse(span.contains(15));
        assertTrue(span.contains(16));
        assertTrue(span.contains(47));
        assertFalse(span.contains(48));
        assertFalse(span.contains(Long.MIN_VALUE));
        assertFalse(span.contains(Long.MAX_VALUE));
    }

    @Test
    void shouldContainSpans() {
        Span span = new Span(16, 48);
        assertTrue(span.contains(span));
        assertTrue(span.contains(new Span(16, 17)));
        assertTrue(span.contains(new Span(47, 48)));
        assertTrue(span.contains(new Span(20, 40)));
        assertFalse(span.contains(new Span(15, 40)));
        assertFalse(span.contains(new Span(20, 49)));
        assertFalse(span.contains(new Span(0, 100)));
        assertFalse(span.contains(new Span(48, 64)));
    }

    @Test
    void shouldContainEmptySpansWhateverTheirBounds() {
        Span span = new Span(16, 48);
        assertTrue(span.contains(Span.empty()));
        assertTrue(span.contains(new Span(1000, 0)));
        assertTrue(span.contains(new Span(100, 100)));
        assertTrue(Span.empty().contains(Span.empty()));
        assertTrue(new Span(5, 1).contains(new Span(9, 9)));
        assertFalse(Span.empty().contains(span), "an empty span contains no non-empty span");
        assertFalse(new Span(48, 16).contains(new Span(20, 30)));
    }

    @Test
    void shouldOverlapOnlyWhenSharingAByte() {
        Span span = new Span(16, 48);
        assertTrue(span.overlaps(span));
        assertTrue(span.overlaps(new Span(0, 17)));
        assertTrue(span.overlaps(new Span(47, 100)));
        assertTrue(span.overlaps(new Span(20, 30)));
        assertTrue(span.overlaps(new Span(0, 100)));
        assertFalse(span.overlaps(new Span(0, 16)), "touching below");
        assertFalse(span.overlaps(new Span(48, 64)), "touching above");
        assertFalse(span.overlaps(new Span(30, 30)), "empty inside");
        assertFalse(span.overlaps(new Span(40, 20)), "inverted inside");
        assertFalse(new Span(30, 30).overlaps(span));
        assertFalse(new Span(40, 20).overlaps(span));
        assertEquals(new Span(0, 17).overlaps(span), span.overlaps(new Span(0, 17)), "symmetric");
    }

    @Test
    void shouldClipAboveAndBelow() {
        Span span = new Span(16, 48);
        assertEquals(new Span(32, 48), span.above(32));
        assertEquals(span, span.above(0));
        assertEquals(new Span(64, 48), span.above(64));
        assertTrue(span.above(48).isEmpty());
        assertEquals(new Span(16, 32), span.below(32));
        assertEquals(span, span.below(100));
        assertTrue(span.below(16).isEmpty());
        assertTrue(span.below(0).isEmpty());
    }

    @Test
    void shouldFitWithinIntersection() {
        Span span = new Span(16, 48);
        assertEquals(new Span(32, 48), span.fitWithin(new Span(32, 100)));
        assertEquals(new Span(16, 40), span.fitWithin(new Span(0, 40)));
        assertEquals(span, span.fitWithin(new Span(0, 100)));
        assertEquals(new Span(20, 30), span.fitWithin(new Span(20, 30)));
        assertTrue(span.fitWithin(new Span(48, 64)).isEmpty(), "touching spans have no common byte");
        assertTrue(span.fitWithin(new Span(100, 200)).isEmpty());
        assertTrue(span.fitWithin(Span.empty()).isEmpty());
    }

    @Test
    void shouldFitOverHull() {
        Span span = new Span(16, 48);
        assertEquals(new Span(0, 48), span.fitOver(new Span(0, 20)));
        assertEquals(new Span(16, 100), span.fitOver(new Span(90, 100)));
        assertEquals(span, span.fitOver(new Span(20, 30)));
        assertEquals(new Span(0, 100), new Span(20, 30).fitOver(new Span(0, 100)));
        assertEquals(span, span.fitOver(Span.empty()), "empty spans are ignored");
        assertEquals(span, span.fitOver(new Span(1000, 0)), "empty spans are ignored, whatever their bounds");
        assertEquals(span, new Span(-100, -200).fitOver(span));
        assertTrue(Span.empty().fitOver(new Span(7, 7)).isEmpty());
    }

    @Test
    void shouldExtendBothWays() {
        Span span = new Span(16, 48);
        assertEquals(new Span(8, 64), span.extend(8, 16));
        assertEquals(new Span(24, 40), span.extend(-8, -8), "negative amounts shrink");
        assertEquals(span, span.extend(0, 0));
        assertEquals(new Span(0, 96), Span.ofSize(0, 48).extend(0, 48));
    }

    @Test
    void shouldThrowWhenExtendOverflows() {
        assertThrows(ArithmeticException.class, () -> new Span(0, Long.MAX_VALUE).extend(0, 1));
        assertThrows(ArithmeticException.class, () -> new Span(Long.MIN_VALUE, 0).extend(1, 0));
        assertThrows(ArithmeticException.class, () -> new Span(0, 8).extend(Long.MIN_VALUE, 0));
    }

    @Test
    void shouldTruncateBothWays() {
        Span span = new Span(16, 48);
        assertEquals(new Span(24, 40), span.truncate(8, 8));
        assertEquals(span, span.truncate(0, 0));
        assertEquals(new Span(8, 56), span.truncate(-8, -8), "negative amounts grow");
        assertTrue(span.truncate(16, 16).isEmpty());
        assertTrue(span.truncate(100, 0).isEmpty(), "truncating past the acme gives an empty span");
        assertEquals(0, span.truncate(100, 0).size());
    }

    @Test
    void shouldThrowWhenTruncateOverflows() {
        assertThrows(ArithmeticException.class, () -> new Span(0, 8).truncate(Long.MIN_VALUE, 0));
        assertThrows(ArithmeticException.class, () -> new Span(0, 8).truncate(0, Long.MIN_VALUE));
        assertThrows(ArithmeticException.class, () -> new Span(Long.MAX_VALUE - 1, Long.MAX_VALUE).truncate(0, -2));
    }

    @Test
    void shouldAlignInward() {
        assertEquals(new Span(16, 48), new Span(13, 50).alignInward(8));
        assertEquals(new Span(16, 48), new Span(16, 48).alignInward(16));
        assertEquals(new Span(0, 4096), new Span(-5, 4097).alignInward(4096));
        assertEquals(new Span(13, 50), new Span(13, 50).alignInward(1));
        assertEquals(new Span(0, -8), new Span(-7, -1).alignInward(8), "negative offsets round towards +inf/-inf");
        Span tooSmall = new Span(9, 15).alignInward(8);
        assertTrue(tooSmall.isEmpty(), tooSmall::toString);
        assertEquals(new Span(64, 0), new Span(1, 63).alignInward(64));
    }

    @Test
    void shouldAlignOutward() {
        assertEquals(new Span(8, 56), new Span(13, 50).alignOutward(8));
        assertEquals(new Span(16, 48), new Span(16, 48).alignOutward(16));
        assertEquals(new Span(-4096, 8192), new Span(-5, 4097).alignOutward(4096));
        assertEquals(new Span(0, 64), new Span(1, 63).alignOutward(64));
        assertEquals(new Span(13, 50), new Span(13, 50).alignOutward(1));
    }

    @Test
    void shouldWordAlign() {
        assertEquals(new Span(16, 48), new Span(9, 55).wordAlignInward());
        assertEquals(new Span(8, 56), new Span(9, 55).wordAlignOutward());
        assertEquals(new Span(9, 55).alignInward(8), new Span(9, 55).wordAlignInward());
        assertEquals(new Span(9, 55).alignOutward(8), new Span(9, 55).wordAlignOutward());
        assertEquals(new Span(0, 8), new Span(0, 8).wordAlignInward());
        assertTrue(new Span(1, 7).wordAlignInward().isEmpty());
        assertEquals(new Span(0, 8), new Span(1, 7).wordAlignOutward());
    }

    @Test
    void shouldThrowWhenAlignmentOverflows() {
        assertThrows(ArithmeticException.class, () -> new Span(Long.MAX_VALUE - 2, Long.MAX_VALUE).alignInward(8));
        assertThrows(ArithmeticException.class, () -> new Span(0, Long.MAX_VALUE - 2).alignOutward(8));
        assertThrows(ArithmeticException.class, () -> new Span(0, Long.MAX_VALUE - 2).wordAlignOutward());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -8, 3, 6, 12, 24, 4095, Long.MIN_VALUE, Long.MAX_VALUE})
    void shouldRejectAlignmentThatIsNotAPowerOfTwo(long alignment) {
        Span span = new Span(16, 48);
        IllegalArgumentException inward = assertThrows(IllegalArgumentException.class, () -> span.alignInward(alignment));
        assertTrue(inward.getMessage().contains("alignment=" + alignment), inward.getMessage());
        assertThrows(IllegalArgumentException.class, () -> span.alignOutward(alignment));
    }

    @Test
    void shouldAcceptEveryPowerOfTwoAlignment() {
        Span span = new Span(1, 1L << 62);
        for (int shift = 0; shift < 63; shift++) {
            long alignment = 1L << shift;
            Span inward = span.alignInward(alignment);
            assertEquals(0, inward.base() & (alignment - 1), "alignment " + alignment);
            assertEquals(0, inward.acme() & (alignment - 1), "alignment " + alignment);
            assertTrue(inward.isEmpty() || span.contains(inward), "alignment " + alignment);
            Span outward = new Span(1, 1000).alignOutward(Math.min(alignment, 1L << 40));
            assertTrue(outward.contains(new Span(1, 1000)), "alignment " + alignment);
        }
    }

    @Test
    void shouldPrintHexBounds() {
        assertEquals("[0x10, 0x30)", new Span(16, 48).toString());
        assertEquals("[0x0, 0x0)", Span.empty().toString());
        assertEquals("[0x0, 0x100000)", Span.ofSize(0, 1 << 20).toString());
    }

    @Test
    void shouldMatchTheClassSnippet() {
        Span heap = Span.ofSize(0, 1 << 20);
        Span doubled = heap.extend(0, heap.size());
        Span capped = doubled.below(0x180000);
        assertEquals(new Span(0, 0x200000), doubled);
        assertEquals(new Span(0, 0x180000), capped);
        assertTrue(capped.contains(heap));
        assertEquals(0x180000, capped.size());
    }
}

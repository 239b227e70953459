package dev.talc;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The size classes: monotonic, bounded by {@link Bins#lowerBound}, and "good fit" for searches. */
class BinsTest {
    /** Exhaustive range: every chunk size up to 4 MiB. */
    private static final long EXHAUSTIVE_LIMIT = 4L << 20;
    /** The largest size a chunk can have (a multiple of 16). */
    private static final long MAX_SIZE = Long.MAX_VALUE & -Tag.GRANULE;

    @Test
    void shouldMatchTheWorkedExample() {
        assertEquals(205, Bins.bin(5008));
        assertEquals(4992, Bins.lowerBound(205));
        assertEquals(5056, Bins.lowerBound(206));
        assertEquals(206, Bins.fitting(5008));
    }

    @Test
    void shouldGiveSmallSizesOneBinEach() {
        assertEquals(63, Bins.LINEAR_BINS);
        for (long size = 16; size < 1024; size += 16) {
            assertEquals((int) (size / 16 - 1), Bins.bin(size), "size " + size);
            assertEquals(size, Bins.lowerBound(Bins.bin(size)), "size " + size);
            if (size >= Tag.MIN_CHUNK) {
                assertEquals(Bins.bin(size), Bins.fitting(size), "an exact bin fits exactly: size " + size);
            }
        }
        assertEquals(0, Bins.bin(Tag.MIN_GAP));
        assertEquals(1, Bins.bin(Tag.MIN_CHUNK));
        assertEquals(62, Bins.bin(1008));
        assertEquals(63, Bins.bin(1024));
    }

    @Test
    void shouldSplitEveryPowerOfTwoInto64Bins() {
        for (int e = 10; e < 63; e++) {
            long power = 1L << e;
            int first = Bins.bin(power);
            assertEquals(63 + 64 * (e - 10), first, "2^" + e);
            for (int i = 0; i < 64; i++) {
                assertEquals(power + i * (power / 64), Bins.lowerBound(first + i), "2^" + e + " bin +" + i);
            }
        }
    }

    @Test
    void shouldCountEveryBinA63BitSizeMapsTo() {
        assertEquals(Bins.bin(MAX_SIZE) + 1, Bins.COUNT);
        assertEquals(3455, Bins.COUNT, "bins 0..3454 as the class doc draws them");
        assertEquals(Bins.COUNT - 1, Bins.bin(MAX_SIZE));
        assertEquals(Bins.COUNT - 1, Bins.bin(Bins.lowerBound(Bins.COUNT - 1)));
    }

    @Test
    void shouldBeMonotonicAndBoundedOverEverySizeUpToMebibytes() {
        int previous = Bins.bin(Tag.MIN_CHUNK);
        for (long size = Tag.MIN_CHUNK; size <= EXHAUSTIVE_LIMIT; size += Tag.GRANULE) {
            int bin = Bins.bin(size);
            if (bin < previous || bin > previous + 1) {
                fail("bin(" + size + ")=" + bin + " after bin(" + (size - 16) + ")=" + previous);
            }
            previous = bin;
            checkBounds(size);
        }
    }

    @Test
    void shouldBeMonotonicAndBoundedOverSampledLargeSizes() {
        SplittableRandom random = new SplittableRandom(0xB1A5L);
        long[] sizes = new long[200_000];
        for (int i = 0; i < sizes.length; i++) {
            int e = random.nextInt(5, 63);
            long size = random.nextLong(1L << e, e == 62 ? MAX_SIZE : 1L << (e + 1)) & -Tag.GRANULE;
            sizes[i] = Math.max(size, Tag.MIN_CHUNK);
        }
        java.util.Arrays.sort(sizes);
        for (int i = 0; i < sizes.length; i++) {
            checkBounds(sizes[i]);
            if (i > 0) {
                assertTrue(Bins.bin(sizes[i - 1]) <= Bins.bin(sizes[i]),
                        "bin(" + sizes[i - 1] + ") > bin(" + sizes[i] + ")");
            }
        }
        for (int e = 5; e < 63; e++) {
            long power = 1L << e;
            for (long size : new long[] {power - 16, power, power + 16, power + power / 8 - 16, power + power / 8}) {
                if (size >= Tag.MIN_CHUNK && size % Tag.GRANULE == 0) {
                    checkBounds(size);
                }
            }
        }
        checkBounds(MAX_SIZE);
        checkBounds(1L << 62);
    }

    @Test
    void shouldMapEveryLowerBoundToItsOwnBin() {
        for (int bin = 0; bin < Bins.COUNT; bin++) {
            long lower = Bins.lowerBound(bin);
            assertEquals(bin, Bins.bin(lower), "bin " + bin + " lowerBound " + lower);
            if (bin > 0) {
                assertEquals(bin - 1, Bins.bin(lower - Tag.GRANULE), "the size just below bin " + bin);
            }
            assertEquals(0, lower % Tag.GRANULE, "bin bounds are whole granules");
        }
    }

    /**
     * {@code lowerBound(bin(s)) <= s < lowerBound(bin(s)+1)}, {@code lowerBound(fitting(s)) >= s}, and
     * {@code fitting(s)} is the first such bin with {@code fitting(s) <= bin(s) + 1}.
     */
    private static void checkBounds(long size) {
        int bin = Bins.bin(size);
        if (bin < 0 || bin >= Bins.COUNT) {
            fail("bin(" + size + ")=" + bin + " outside [0, " + Bins.COUNT + ")");
        }
        if (Bins.lowerBound(bin) > size) {
            fail("lowerBound(bin(" + size + "))=" + Bins.lowerBound(bin));
        }
        // lowerBound(COUNT) is 2^63, which only fits a long as an unsigned value
        if (Long.compareUnsigned(size, Bins.lowerBound(bin + 1)) >= 0) {
            fail("size " + size + " >= lowerBound(bin+1)=" + Bins.lowerBound(bin + 1));
        }
        int fitting = Bins.fitting(size);
        if (fitting > bin + 1 || fitting < bin) {
            fail("fitting(" + size + ")=" + fitting + " with bin=" + bin);
        }
        if (Long.compareUnsigned(Bins.lowerBound(fitting), size) < 0) {
            fail("a gap of lowerBound(fitting(" + size + "))=" + Bins.lowerBound(fitting) + " bytes cannot hold it");
        }
        if (fitting > 0 && Bins.lowerBound(fitting - 1) >= size) {
            fail("fitting(" + size + ")=" + fitting + " skips bin " + (fitting - 1) + " whose every gap fits");
        }
    }
}

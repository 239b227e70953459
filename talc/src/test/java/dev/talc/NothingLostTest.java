package dev.talc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing lost, nothing written outside (DESIGN §4): seeded runs of valid and invalid calls mixed
 * (60/40), over an inner slice of a larger native segment or {@code long[]} with guard bytes before and
 * after it, in default and checked mode. After every rejected call every live block holds its contents,
 * {@code verify()} passes and the counters are unchanged; the guard bytes are checked after every
 * invalid call and at the end of every run, including runs that default mode let go wrong.
 *
 * <p>The census of outcomes is printed with {@code -Dtalc.census.print=true}; the larger campaign
 * behind the figures in {@code talc/MISUSE.md} is {@link MisuseCensus#main}.
 */
class NothingLostTest {

    @Test
    void shouldKeepEveryBlockAndEveryGuardByteThroughValidAndInvalidCalls() {
        MisuseCensus census = MisuseWorkload.campaign(7, 240, 300, true);
        if (Boolean.getBoolean("talc.census.print")) {
            System.out.print(census.table());
        }
        assertEquals(0, census.violations(), census::table);
        assertEquals(0, census.blocksLost(), census::table);
        for (MisuseClass cls : MisuseClass.values()) {
            assertTrue(census.tried(true, cls) > 0, () -> "checked mode never tried " + cls);
            assertEquals(census.tried(true, cls), census.rejected(true, cls), () -> "checked mode, " + cls);
            if (cls.alwaysRejected) {
                assertTrue(census.tried(false, cls) > 0, () -> "default mode never tried " + cls);
                assertEquals(census.tried(false, cls), census.rejected(false, cls), () -> "default mode, " + cls);
            }
        }
    }
}

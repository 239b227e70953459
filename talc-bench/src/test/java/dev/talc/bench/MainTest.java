package dev.talc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;

/** Which allocators a comparison runs, from its --only and --skip options. */
class MainTest {

    private static List<String> ids(List<Contender> contenders) {
        return contenders.stream().map(Contender::id).toList();
    }

    @Test
    void runsEveryContenderButNoProbeByDefault() {
        List<Contender> all = Main.contenders(null, List.of());
        assertEquals(ids(Contenders.all()), ids(all));
        assertTrue(all.stream().noneMatch(c -> c.kind() == Contenders.Kind.PROBE));
    }

    @Test
    void onlyKeepsTheNamedOnesInTheirOrderProbesIncluded() {
        assertEquals(List.of("talc-fence", "talc", "talc-bare-lock"),
                ids(Main.contenders(List.of("talc-fence", "talc", "talc-bare-lock"), List.of())));
    }

    @Test
    void shouldOfferTheTracesCommandOnlyTheReplayedAllocators() {
        assertEquals(List.of("talc", "concurrenttalc", "one-nio-malloc", "jdk-malloc-ffm", "glibc-malloc-ffm-critical",
                "rpmalloc-lwjgl", "jemalloc-lwjgl", "mimalloc-lwjgl"), ids(Main.traceContenders(List.of())));
        assertEquals(List.of("python", "gawk"), Main.traceNames("python, gawk"));
        assertThrows(IllegalArgumentException.class, () -> Main.traceNames("python,nope"));
    }

    @Test
    void skipRemovesWhetherItComesWithOnlyOrAlone() {
        assertEquals(List.of("talc"), ids(Main.contenders(List.of("talc", "talc-fence"), List.of("talc-fence"))));
        List<String> skipped = ids(Main.contenders(null, List.of("talc", "concurrenttalc")));
        assertEquals(Contenders.all().size() - 2, skipped.size());
        assertTrue(!skipped.contains("talc") && !skipped.contains("concurrenttalc"), skipped::toString);
    }
}

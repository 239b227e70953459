package dev.talc.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.talc.bench.alloc.Contenders;

class LatencyTailTest {
    private static final Pattern ROW = Pattern.compile("^  (size|alignment) .*?\\s+(\\d+)\\s+[0-9.]+%$");

    @Test
    void shouldSplitEveryRecordedCallIntoOneSizeClassAndOneAlignmentClass() throws Exception {
        String report = LatencyTail.run(Contenders.byId("talc").factory(), 4096, 5_000);
        List<String> lines = Arrays.asList(report.split("\n"));
        Matcher header = Pattern.compile("^allocate: n=(\\d+) p50=(\\d+) p90=(\\d+) p99=(\\d+) ns").matcher(
                lines.stream().filter(l -> l.startsWith("allocate:")).findFirst().orElseThrow());
        assertTrue(header.find(), report);
        assertEquals(5_000, Long.parseLong(header.group(1)));
        assertTrue(Long.parseLong(header.group(2)) <= Long.parseLong(header.group(4)), report);
        int allocate = lines.indexOf(lines.stream().filter(l -> l.startsWith("allocate:")).findFirst().orElseThrow());
        long sizes = 0;
        long alignments = 0;
        for (String line : lines.subList(allocate + 1, allocate + 9)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                long calls = Long.parseLong(m.group(2));
                if (m.group(1).equals("size")) {
                    sizes += calls;
                } else {
                    alignments += calls;
                }
            }
        }
        assertEquals(5_000, sizes, report);
        assertEquals(5_000, alignments, report);
        assertTrue(report.contains("\nfree: n="), report);
    }
}

package dev.talc.bench.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real programs' traces that ship in the benchmark jar ({@code src/main/resources/traces/<name>.mtrace.xz};
 * how each was made is in {@code talc-bench/traces/MANIFEST.md}), and loading them.
 *
 * <p>Design note: the list is fixed here, in the order of the tables, so a run names its traces and a missing
 * resource is an error rather than a silently shorter table. Decoding takes a fraction of a second per trace
 * and the decoded arrays are large, so nothing is cached: a workload loads one trace, replays it, drops it.
 */
public final class Traces {

    private Traces() {
    }

    /**
     * A bundled trace.
     *
     * @param name      its name (the resource is {@code /traces/<name>.mtrace.xz})
     * @param program   what was recorded
     * @param behaviour why it is in the set
     */
    public record Info(String name, String program, String behaviour) {
    }

    /** Every bundled trace, in table order. */
    public static final List<Info> ALL = List.of(
            new Info("python", "CPython 3.11, PYTHONMALLOC=malloc, a stdlib-heavy script",
                    "small-object interpreter: almost all blocks under 512 B, malloc/free pairs"),
            new Info("perl", "Perl 5.36, a text-processing script", "second interpreter: strings grown by realloc, calloc"),
            new Info("cc1", "GCC 12's cc1 compiling libpng's pngtest.c at -O2", "compiler: long-lived trees, few frees"),
            new Info("sqlite", "sqlite3 3.40 CLI, insert/index/query script on :memory:",
                    "database: page-cache blocks, 20% reallocs"),
            new Info("rg", "ripgrep 13 with 4 threads over /usr/include and two library trees",
                    "multi-threaded: 5 threads' calls in one recorded order"),
            new Info("jvm", "OpenJDK 17 java running a small program from source",
                    "a JVM: its own mallocs, direct buffers, zlib; 21 threads; many blocks never freed"),
            new Info("gawk", "GNU awk 5.2 building a report by string concatenation",
                    "long realloc chains: strings grown in place up to 50 000 times"));

    /** The names of {@link #ALL}. */
    public static List<String> names() {
        return ALL.stream().map(Info::name).toList();
    }

    /** The bundled trace {@code name}, or throws listing the names. */
    public static Info info(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown trace '" + name + "'; traces: " + names()));
    }

    /** Decodes the bundled trace {@code name} from the classpath. */
    public static Trace load(String name) {
        info(name);
        String resource = "/traces/" + name + ".mtrace.xz";
        try (InputStream in = Traces.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("trace=" + name + ": resource " + resource + " missing from the classpath");
            }
            return TraceReader.read(name, in);
        } catch (IOException e) {
            throw new UncheckedIOException("trace=" + name + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a trace file (raw recorder output or xz); its name is the file name less {@code .mtrace[.xz]}. */
    public static Trace loadFile(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.xz$", "").replaceFirst("\\.mtrace$", "");
        try (InputStream in = Files.newInputStream(file)) {
            return TraceReader.read(name, in);
        }
    }
}

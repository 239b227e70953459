package dev.talc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import dev.talc.bench.report.ProfileBreakdown;
import one.profiler.AsyncProfiler;

/**
 * Flame graphs of the workloads ({@code --profile}): async-profiler 4.2 ({@code tools.profiler:async-profiler}
 * from Maven Central, its native library carried in the benchmark jar) samples each workload of each allocator,
 * and writes {@code <dir>/<allocator id>/<workload>.html} (a flame graph), {@code .collapsed} (the stacks, for
 * scripts) and one line per workload to {@code <dir>/breakdown.tsv}: where the workload thread's time went
 * (harness, allocator logic, segment access, copies; see {@link ProfileBreakdown}).
 *
 * <p>Design note: the profiler is started and stopped from Java around each workload (its Java API, the library
 * loaded from a temporary copy), so one JVM gives a profile per workload without restarting; the forked JVMs get
 * the directory as a system property. It samples on {@code event=cpu} (perf's software clock, which works on VMs
 * without hardware counters) every millisecond, and falls back to {@code itimer} where perf events are denied.
 * Profiling costs a few percent, so the figures of a profiled run are not published; a machine where the library
 * cannot load (another OS or CPU) prints why and runs unprofiled. Alternatives: {@code -agentpath:} on the command
 * line (one profile per JVM, so per allocator, not per workload); JFR's execution samples (no native frames, so
 * no view of the copies and the FFM checks).
 */
final class Profiling {

    /** The system property that carries the profile directory to a forked JVM. */
    static final String PROPERTY = "dev.talc.bench.profile";
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final Path dir;
    private final AsyncProfiler profiler;
    private final String event;

    private Profiling(Path dir, AsyncProfiler profiler, String event) {
        this.dir = dir;
        this.profiler = profiler;
        this.event = event;
    }

    /** The profiling the system property asks for, or null (not asked, or the profiler cannot run here). */
    static Profiling fromSystemProperty(java.util.function.Consumer<String> log) {
        String dir = System.getProperty(PROPERTY);
        return dir == null ? null : open(Path.of(dir), log);
    }

    /**
     * Loads the profiler and checks which event it can sample, or returns null with the reason logged.
     *
     * @param dir where the profiles go (created if need be)
     */
    static Profiling open(Path dir, java.util.function.Consumer<String> log) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            log.accept("profile: not available on " + os + "/" + arch + " (the jar carries the linux-x64 library only)");
            return null;
        }
        try (InputStream in = Profiling.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                log.accept("profile: not available: " + LIBRARY + " is not on the class path");
                return null;
            }
            Files.createDirectories(dir);
            Path library = Files.createTempFile("talc-bench-asyncProfiler-", ".so");
            library.toFile().deleteOnExit();
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
            AsyncProfiler profiler = AsyncProfiler.getInstance(library.toString());
            for (String event : new String[] {"cpu", "itimer"}) {
                try {
                    profiler.execute("start,event=" + event + ",interval=1ms");
                    profiler.execute("stop");
                    return new Profiling(dir, profiler, event);
                } catch (IllegalStateException | IOException e) {
                    log.accept("profile: event " + event + " not available here: " + e.getMessage());
                }
            }
            return null;
        } catch (IOException | LinkageError | IllegalStateException e) {
            log.accept("profile: not available: " + e);
            return null;
        }
    }

    /** Starts sampling. */
    void start() throws IOException {
        profiler.execute("start,event=" + event + ",interval=1ms");
    }

    /**
     * Stops sampling and writes the profile of {@code workload} run on {@code allocatorId}; returns its breakdown.
     */
    ProfileBreakdown stop(String allocatorId, String allocatorName, String workload) throws IOException {
        profiler.execute("stop");
        Path allocatorDir = Files.createDirectories(dir.resolve(allocatorId));
        Path collapsed = allocatorDir.resolve(workload + ".collapsed");
        profiler.execute("collapsed,file=" + collapsed);
        profiler.execute("flamegraph,file=" + allocatorDir.resolve(workload + ".html") + ",title="
                + (allocatorName + " - " + workload + " (" + event + ")").replace(',', ' '));
        ProfileBreakdown breakdown = ProfileBreakdown.of(allocatorName, workload,
                Files.readAllLines(collapsed, StandardCharsets.UTF_8));
        Path tsv = dir.resolve("breakdown.tsv");
        if (!Files.exists(tsv)) {
            Files.writeString(tsv, ProfileBreakdown.TSV_HEADER + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(tsv, breakdown.toTsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return breakdown;
    }
}

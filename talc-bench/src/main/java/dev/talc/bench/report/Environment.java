package dev.talc.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine and JVM a run happened on: CPU model, cores, memory, JDK, OS, load at the start, the git
 * commit, the forked JVMs' flags, the date. Printed at the top of the output and written to
 * {@code environment.txt}, so every published figure says where it came from.
 */
public final class Environment {

    private final Map<String, String> facts;

    private Environment(Map<String, String> facts) {
        this.facts = facts;
    }

    /**
     * Captures the facts now.
     *
     * @param forks fresh JVMs per allocator, or 0 when every allocator runs in the harness JVM
     */
    public static Environment capture(String mode, String budget, List<String> forkJvmArgs, int forks) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("date", ZonedDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        f.put("mode", mode);
        f.put("cpu", cpuModel());
        f.put("cores", Runtime.getRuntime().availableProcessors() + " available processors");
        f.put("memory", memTotal());
        f.put("load average at start", firstLine(Path.of("/proc/loadavg"))
                + " (1/5/15 min, runnable/total tasks: above the core count, figures are noisy)");
        f.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor")
                + ", " + System.getProperty("java.home") + ")");
        f.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        f.put("git commit", git());
        f.put("harness jvm args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        f.put("allocator jvms", forks == 0 ? "all allocators in the harness JVM (--no-fork)"
                : forks == 1 ? "one fresh JVM per allocator, args: " + String.join(" ", forkJvmArgs)
                : forks + " fresh JVMs per allocator, round-robin over the allocators, each score the median over"
                + " them; args: " + String.join(" ", forkJvmArgs));
        f.put("budget", budget);
        return new Environment(f);
    }

    /** The facts, one {@code key: value} per line. */
    public String text() {
        StringBuilder s = new StringBuilder();
        facts.forEach((k, v) -> s.append(String.format("%-22s %s%n", k + ":", v)));
        return s.toString();
    }

    /** Writes {@link #text()} to {@code file}. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    private static String memTotal() {
        String line = firstLine(Path.of("/proc/meminfo"));
        if (line.startsWith("MemTotal:")) {
            long kib = Long.parseLong(line.replaceAll("\\D+", ""));
            return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
        }
        return Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap";
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "unknown" : lines.getFirst().strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "log", "-1", "--format=%h %cd", "--date=short")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return "unknown";
            }
            String dirty = "";
            Process st = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            String changes = new String(st.getInputStream().readAllBytes()).strip();
            if (st.waitFor(5, TimeUnit.SECONDS) && st.exitValue() == 0 && !changes.isEmpty()) {
                dirty = " (with uncommitted changes)";
            }
            return out + dirty;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}

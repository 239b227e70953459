package dev.talc.bench.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the workloads measure: Talc's three forms first, then every {@link Peers peer}, each with a
 * short id (for the command line, JMH parameters and file names) and a {@link Kind} (for the "Talc vs best
 * peer" ratios in the output).
 *
 * <p>Design note: the peers stay in {@link Peers} (one adapter each, unchanged); this class only adds the
 * Talc adapters in front and classifies. A creator that cannot run throws
 * {@link Peers.PeerUnavailableException}, which the harness prints as "not run: reason".
 */
public final class Contenders {

    private Contenders() {
    }

    /** What a contender is, for the ratio lines of the tables. */
    public enum Kind {
        /** Talc for Java itself. */
        TALC("Talc"),
        /** A Java allocator (its bookkeeping runs in Java, even where the memory comes from malloc). */
        JAVA_PEER("Java peer"),
        /** A native allocator called through FFM or JNI. */
        NATIVE_PEER("native peer"),
        /** A speed limit, not a real allocator (a bump pointer that never frees; the harness floor). */
        BASELINE("baseline"),
        /** A measuring instrument, outside the comparative suite: for {@code paired}, or named by {@code --only}. */
        PROBE("probe (paired, or named by --only)");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Human-readable label. */
        public String label() {
            return label;
        }
    }

    /**
     * One contender.
     *
     * @param id      short lower-case id, e.g. {@code talc}, {@code one-nio-malloc}
     * @param kind    classification for ratios
     * @param factory makes fresh instances
     */
    public record Contender(String id, Kind kind, AllocatorFactory factory) {
        /** Display name, as in tables, charts and the CSV. */
        public String name() {
            return factory.name();
        }
    }

    /** The names of Talc's own contenders, which the tables use as the reference for ratios. */
    public static final String TALC = "Talc";
    /** ConcurrentTalc with its default shards. */
    public static final String CONCURRENT_TALC = "ConcurrentTalc";
    /** ConcurrentTalc.locked(Talc): one global lock. */
    public static final String TALC_GLOBAL_LOCK = "ConcurrentTalc (global lock)";
    /** Talc behind a bare CAS lock: the probe {@link BareLockTalc}. */
    public static final String TALC_BARE_LOCK = "Talc + bare lock";
    /** Talc with a full fence before every call and no lock: the probe {@link FenceFloorTalc}. */
    public static final String TALC_FENCE = "Talc + fence";

    private static final Map<String, Kind> PEER_KINDS = Map.ofEntries(
            Map.entry("one-nio Malloc", Kind.JAVA_PEER),
            Map.entry("one-nio MallocMT", Kind.JAVA_PEER),
            Map.entry("Terracotta", Kind.JAVA_PEER),
            Map.entry("Terracotta (locked)", Kind.JAVA_PEER),
            Map.entry("Netty pooled", Kind.JAVA_PEER),
            Map.entry("Netty adaptive", Kind.JAVA_PEER),
            Map.entry("JDK Arena per block", Kind.JAVA_PEER),
            Map.entry("JDK malloc (FFM)", Kind.NATIVE_PEER),
            Map.entry("glibc malloc (FFM critical)", Kind.NATIVE_PEER),
            Map.entry("JDK slicingAllocator", Kind.BASELINE),
            Map.entry("Harness floor", Kind.BASELINE),
            Map.entry("rpmalloc (LWJGL)", Kind.NATIVE_PEER),
            Map.entry("jemalloc (LWJGL)", Kind.NATIVE_PEER),
            Map.entry("mimalloc (LWJGL)", Kind.NATIVE_PEER));

    /** Talc's three forms: Talc, ConcurrentTalc (default shards), ConcurrentTalc.locked (global lock). */
    public static List<AllocatorFactory> talcFactories() {
        return List.of(
                new AllocatorFactory(TALC, false, true, TalcAdapter::new),
                new AllocatorFactory(CONCURRENT_TALC, true, true, bytes -> TalcAdapter.concurrent(bytes, false)),
                new AllocatorFactory(TALC_GLOBAL_LOCK, true, true, bytes -> TalcAdapter.concurrent(bytes, true)));
    }

    /** Every contender, in table order: Talc's forms, then the peers in {@link Peers#all()} order. */
    public static List<Contender> all() {
        List<Contender> all = new ArrayList<>();
        for (AllocatorFactory f : talcFactories()) {
            all.add(new Contender(idOf(f.name()), Kind.TALC, f));
        }
        for (AllocatorFactory f : Peers.all()) {
            Kind kind = PEER_KINDS.get(f.name());
            if (kind == null) {
                throw new IllegalStateException("peer without a kind: " + f.name());
            }
            all.add(new Contender(idOf(f.name()), kind, f));
        }
        return List.copyOf(all);
    }

    /**
     * The probes: instruments for {@code paired} runs (or a comparison that names them with {@code --only}),
     * which the comparative suite leaves out (they are not allocators anyone would choose; {@link BareLockTalc}
     * measures the least a lock per operation costs, {@link FenceFloorTalc} the least any thread-safe
     * allocator over a shared pool costs).
     */
    public static List<Contender> probes() {
        AllocatorFactory bareLock = new AllocatorFactory(TALC_BARE_LOCK, true, true, BareLockTalc::new);
        AllocatorFactory fence = new AllocatorFactory(TALC_FENCE, false, true, FenceFloorTalc::new);
        return List.of(new Contender(idOf(bareLock.name()), Kind.PROBE, bareLock),
                new Contender(idOf(fence.name()), Kind.PROBE, fence));
    }

    /** Every contender, then every probe: all that {@link #byId} knows. */
    public static List<Contender> allWithProbes() {
        List<Contender> known = new ArrayList<>(all());
        known.addAll(probes());
        return List.copyOf(known);
    }

    /** The contender or probe with this id (or display name), or throws listing the ids. */
    public static Contender byId(String idOrName) {
        List<Contender> known = allWithProbes();
        for (Contender c : known) {
            if (c.id().equals(idOrName) || c.name().equals(idOrName)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown allocator '" + idOrName + "'; ids: "
                + known.stream().map(Contender::id).toList());
    }

    /**
     * Whether the allocator called {@code name} is one of Talc's forms or a probe built on Talc (the allocators
     * a budget that leaves the peers out still runs the alignment-16 variant for).
     */
    public static boolean builtOnTalc(String name) {
        return allWithProbes().stream().anyMatch(c -> c.name().equals(name)
                && (c.kind() == Kind.TALC || c.kind() == Kind.PROBE));
    }

    /** "one-nio MallocMT" → "one-nio-mallocmt", "ConcurrentTalc (global lock)" → "concurrenttalc-global-lock". */
    static String idOf(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}

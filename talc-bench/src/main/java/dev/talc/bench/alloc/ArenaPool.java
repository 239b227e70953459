package dev.talc.bench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arenas of the arena-based adapters: zeroed, pre-touched native memory, reused from one allocator
 * instance to the next within a JVM.
 *
 * <p>Design note: every benchmark trial makes a fresh allocator over a fresh 128 MiB arena. Mapping and
 * first-touching 128 MiB costs hundreds of milliseconds to seconds on a busy virtual machine (page
 * faults), more than the 200 ms being measured, while zeroing memory already touched costs a memset.
 * So an arena is touched once, then handed out again zeroed: to the allocator it is exactly a fresh
 * zeroed region (one-nio's Malloc formats a new heap because the first KiB is zero), and Talc's Rust
 * benchmarks likewise reuse one static, pre-touched heap for every allocator. At most
 * {@value #MAX_IDLE_BYTES} bytes are kept idle; beyond that a released arena is closed.
 *
 * <p>Thread-safe.
 */
public final class ArenaPool {

    /** Idle memory kept for reuse, at most. */
    static final long MAX_IDLE_BYTES = 512L << 20;
    /** Alignment of every segment handed out (a page). */
    static final long ALIGNMENT = 4096;

    private static final List<MemorySegment> IDLE = new ArrayList<>();
    private static final Map<MemorySegment, Arena> OWNERS = new IdentityHashMap<>();
    private static long idleBytes;

    private ArenaPool() {
    }

    /** A zeroed, touched segment of exactly {@code bytes} bytes, 4096-aligned, usable from any thread. */
    public static MemorySegment acquire(long bytes) {
        synchronized (ArenaPool.class) {
            // Most recently released first: every trial gets the same arena. Alternating between two
            // arenas made trial times alternate by up to 25% on the development VM (their pages differ
            // in how the host backs them), which no allocator can help.
            for (int i = IDLE.size() - 1; i >= 0; i--) {
                MemorySegment s = IDLE.get(i);
                if (s.byteSize() == bytes) {
                    IDLE.remove(i);
                    idleBytes -= bytes;
                    s.fill((byte) 0);
                    return s;
                }
            }
        }
        Arena arena = Arena.ofShared();
        MemorySegment s = arena.allocate(bytes, ALIGNMENT); // zeroed, so every page is touched
        synchronized (ArenaPool.class) {
            OWNERS.put(s, arena);
        }
        return s;
    }

    /** Takes back a segment from {@link #acquire}; it must no longer be used. */
    public static void release(MemorySegment segment) {
        Arena close = null;
        synchronized (ArenaPool.class) {
            if (!OWNERS.containsKey(segment) || IDLE.stream().anyMatch(s -> s == segment)) {
                throw new IllegalArgumentException("not an acquired pool segment: " + segment);
            }
            if (idleBytes + segment.byteSize() <= MAX_IDLE_BYTES) {
                IDLE.add(segment);
                idleBytes += segment.byteSize();
            } else {
                close = OWNERS.remove(segment);
            }
        }
        if (close != null) {
            close.close();
        }
    }
}

package dev.talc.bench.alloc;

import java.util.List;

/**
 * Every benchmark peer (DESIGN section 6), as factories. A peer that cannot run on this machine is still
 * listed: its creator throws {@link PeerUnavailableException} with the reason (missing natives, JDK
 * restrictions), which the harness prints as "not run: reason"; link errors and failed static
 * initialisers are turned into that exception too, so one broken peer never stops the others.
 */
public final class Peers {

    private Peers() {
    }

    /** Thrown by a creator when its peer cannot run here; the message is the reason. */
    public static final class PeerUnavailableException extends Exception {
        public PeerUnavailableException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** All peers, in the order of the output tables. */
    public static List<AllocatorFactory> all() {
        return List.of(
                peer("one-nio Malloc", true, true, bytes -> new OneNioAllocator(bytes, false)),
                peer("one-nio MallocMT", true, true, bytes -> new OneNioAllocator(bytes, true)),
                peer("Terracotta", false, true, bytes -> new TerracottaAllocator(bytes, false)),
                peer("Terracotta (locked)", true, true, bytes -> new TerracottaAllocator(bytes, true)),
                peer("Netty pooled", true, false, bytes -> new NettyAllocator(false)),
                peer("Netty adaptive", true, false, bytes -> new NettyAllocator(true)),
                peer("JDK Arena per block", false, false, bytes -> new JdkArenaPerBlockAllocator()),
                peer("JDK malloc (FFM)", true, false, bytes -> new LibcAllocator()),
                peer("glibc malloc (FFM critical)", true, false, bytes -> new LibcCriticalAllocator()),
                peer("JDK slicingAllocator", false, true, JdkSlicingAllocator::new),
                peer("Harness floor", false, false, bytes -> new HarnessFloorAllocator()),
                peer("rpmalloc (LWJGL)", true, false, bytes -> new RpmallocAllocator()),
                peer("jemalloc (LWJGL)", true, false, bytes -> new JemallocAllocator()),
                peer("mimalloc (LWJGL)", true, false, bytes -> new MimallocAllocator()));
    }

    private static AllocatorFactory peer(String name, boolean threadSafe, boolean arenaBased,
                                         AllocatorFactory.Creator creator) {
        return new AllocatorFactory(name, threadSafe, arenaBased, bytes -> {
            try {
                return creator.create(bytes);
            } catch (PeerUnavailableException e) {
                throw e;
            } catch (LinkageError | IllegalStateException
                     | UnsupportedOperationException e) {
                // Missing or unloadable natives, Unsafe denied, a class that failed to initialise.
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                throw new PeerUnavailableException(name + ": " + root, e);
            }
        });
    }
}

package dev.talc.bench.alloc;

/**
 * Makes fresh instances of one allocator for each benchmark trial.
 *
 * @param name        display name (same as {@link BenchAllocator#name()})
 * @param threadSafe  whether instances may be shared by threads
 * @param arenaBased  whether the peer manages a fixed arena of the requested size (heap efficiency applies)
 * @param create      builds an instance managing about {@code arenaBytes} bytes
 */
public record AllocatorFactory(String name, boolean threadSafe, boolean arenaBased, Creator create) {

    /** Builds one allocator instance. */
    @FunctionalInterface
    public interface Creator {
        /**
         * @param arenaBytes size of the arena to manage (arena-based peers), or a hint for the others
         * @throws Exception when the peer cannot run on this machine (missing natives, JDK restrictions)
         */
        BenchAllocator create(long arenaBytes) throws Exception;
    }
}

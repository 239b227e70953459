package dev.talc.bench.alloc;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;

/**
 * Netty 4.2.20 direct-buffer allocators: PooledByteBufAllocator(true) (jemalloc-style arenas with
 * thread caches) and AdaptiveByteBufAllocator(true, true) (magazines, also cached for non-event-loop
 * threads, as the pooled one caches for all threads by default). A handle is a slot in the adapter's
 * table of ByteBuf plus the block's aligned memoryAddress().
 *
 * <p>Notes, as returned by {@link #notes()} (the last sentence depends on the JVM's flags):
 * <p>Blocks are ByteBuf objects: handles are slots in an adapter table (buffer plus address; a short
 * lock on acquire and release). No alignment parameter (blocks were 16-aligned in tests): for align up
 * to 16 the adapter allocates the exact size and checks the address (padding and retrying if it is
 * misaligned), for larger ones it allocates size+align-1 bytes and rounds the address up. Realloc is
 * ByteBuf.capacity(n) (in place within the size class, else the allocator moves and copies) for unpadded
 * blocks with align up to 16, else allocate+copy+release. int sizes. Leak detection is disabled
 * (ResourceLeakDetector.Level.DISABLED, JVM-wide). Netty's Unsafe is off (io.netty.noUnsafe is true by
 * default on Java 25+): ByteBuffer-based direct buffers, whose memoryAddress() still works. Or, on a JVM
 * run with --sun-misc-unsafe-memory-access=allow: Netty's Unsafe is on (the JVM allows sun.misc.Unsafe
 * memory access): Unsafe direct buffers.
 */
public final class NettyAllocator extends AbstractBenchAllocator {

    static final String NOTES_BASE = "Blocks are ByteBuf objects: handles are slots in an adapter table (buffer plus"
            + " address; a short lock on acquire and release). No alignment parameter (blocks were 16-aligned in tests):"
            + " for align up to 16 the adapter allocates the exact size and checks the address (padding and retrying if"
            + " it is misaligned), for larger ones it allocates size+align-1 bytes and rounds the address up. Realloc is"
            + " ByteBuf.capacity(n) (in place within the size class, else the allocator moves and copies) for unpadded"
            + " blocks with align up to 16, else allocate+copy+release. int sizes. Leak detection is disabled"
            + " (ResourceLeakDetector.Level.DISABLED, JVM-wide).";
    static final String NOTES_NO_UNSAFE = " Netty's Unsafe is off (io.netty.noUnsafe is true by default on Java 25+):"
            + " ByteBuffer-based direct buffers, whose memoryAddress() still works.";
    static final String NOTES_UNSAFE = " Netty's Unsafe is on (the JVM allows sun.misc.Unsafe memory access):"
            + " Unsafe direct buffers.";

    /** The alignment Netty's direct buffers showed in every test: tried first, verified each time. */
    private static final long EXPECTED_ALIGN = 16;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private final ByteBufAllocator allocator;
    private final SlotTable<ByteBuf> table = new SlotTable<>(true);

    /**
     * @param adaptive AdaptiveByteBufAllocator instead of PooledByteBufAllocator
     * @throws IllegalStateException when direct buffers expose no memoryAddress() on this JVM
     */
    public NettyAllocator(boolean adaptive) {
        super(adaptive ? "Netty adaptive" : "Netty pooled",
                NOTES_BASE + (PlatformDependent.hasUnsafe() ? NOTES_UNSAFE : NOTES_NO_UNSAFE), true);
        this.allocator = adaptive ? new AdaptiveByteBufAllocator(true, true) : new PooledByteBufAllocator(true);
        ByteBuf probe = allocator.directBuffer(64);
        try {
            if (!probe.isDirect() || !probe.hasMemoryAddress()) {
                throw new IllegalStateException("Netty direct buffers expose no memoryAddress() on this JVM ("
                        + probe.getClass().getName() + ", Unsafe unavailable: "
                        + PlatformDependent.getUnsafeUnavailabilityCause() + ")");
            }
        } finally {
            probe.release();
        }
    }

    @Override
    public long allocate(long size, long align) {
        if (size + align > Integer.MAX_VALUE) {
            return FAILED;
        }
        ByteBuf buf;
        long address;
        try {
            if (align <= EXPECTED_ALIGN) {
                buf = allocator.directBuffer((int) size);
                address = buf.memoryAddress();
                if (!Mem.isAligned(address, align)) {
                    buf.release();
                    buf = allocator.directBuffer((int) (size + align - 1));
                    address = Mem.alignUp(buf.memoryAddress(), align);
                }
            } else {
                buf = allocator.directBuffer((int) (size + align - 1));
                address = Mem.alignUp(buf.memoryAddress(), align);
            }
        } catch (OutOfMemoryError e) {
            return FAILED;
        }
        return table.handle(buf, address, ByteBuf::release);
    }

    @Override
    public void free(long handle, long size, long align) {
        table.release((int) handle).release();
    }

    @Override
    public long reallocate(long handle, long oldSize, long align, long newSize) {
        int slot = (int) handle;
        ByteBuf buf = table.object(slot);
        if (align <= EXPECTED_ALIGN && newSize <= Integer.MAX_VALUE && table.address(slot) == buf.memoryAddress()) {
            try {
                buf.capacity((int) newSize); // Netty allocates the new memory before freeing the old
            } catch (OutOfMemoryError e) {
                return FAILED;
            }
            long address = buf.memoryAddress();
            table.setAddress(slot, address); // the contents now start here, aligned or not
            if (Mem.isAligned(address, align)) {
                return handle;
            }
            // Misaligned after moving (never seen): move again below. Should that fail, the old block
            // keeps its contents but not its alignment.
        }
        return reallocateByCopy(handle, oldSize, align, newSize);
    }

    /** Handles are slots in the table. */
    @Override
    public long address(long handle) {
        return table.address((int) handle);
    }

    @Override
    public void close() {
        table.drain(ByteBuf::release);
    }
}

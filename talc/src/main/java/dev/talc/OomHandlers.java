package dev.talc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The built-in {@link OomHandler}s: fail, claim once, and grow a heap by doubling (optionally growing a
 * memory-mapped file under it first).
 */
final class OomHandlers {
    private OomHandlers() {}

    static final OomHandler FAIL = new OomHandler() {
        @Override
        public boolean handleOom(Talc talc, long byteSize, long byteAlignment) {
            return false;
        }

        @Override
        public String toString() {
            return "OomHandler.fail()";
        }
    };

    /** Claims one span on the first call. */
    static final class ClaimOnce implements OomHandler {
        private final Span span;
        private boolean claimed;

        ClaimOnce(Span span) {
            this.span = span;
        }

        @Override
        public boolean handleOom(Talc talc, long byteSize, long byteAlignment) {
            if (claimed) {
                return false;
            }
            claimed = true;
            talc.claim(span);
            return true;
        }

        @Override
        public String toString() {
            return "OomHandler.claimOnce(" + span + ")";
        }
    }

    /** Doubles the heap inside {@code limit}; with a channel, grows the mapped file first. */
    static final class ExtendDoubling implements OomHandler {
        private final Span limit;
        private final long initialBytes;
        private final FileChannel channel;
        private final long mapPosition;

        ExtendDoubling(Span limit, long initialBytes, FileChannel channel, long mapPosition) {
            Objects.requireNonNull(limit, "limit");
            if (initialBytes < Tag.MIN_HEAP || limit.size() < initialBytes) {
                throw new IllegalArgumentException("initialBytes=" + initialBytes + " must be >= " + Tag.MIN_HEAP
                        + " and fit in limit=" + limit);
            }
            this.limit = limit;
            this.initialBytes = initialBytes;
            this.channel = channel;
            this.mapPosition = mapPosition;
        }

        @Override
        public boolean handleOom(Talc talc, long byteSize, long byteAlignment) {
            Span heap = null;
            for (Span h : talc.heaps()) {
                if (limit.contains(h)) {
                    heap = h;
                }
            }
            // Room for the block with worst-case alignment padding, its tag and rounding, the heap's
            // sentinel, and the granules a misaligned limit loses at each end.
            long needed = Math.max(initialBytes, byteSize + byteAlignment + 6 * Tag.GRANULE);
            if (heap == null) {
                Span first = Span.ofSize(limit.base(), Math.min(needed, limit.size()));
                backFile(first.acme());
                talc.claim(first);
                return true;
            }
            Span grown = heap.extend(0, Math.max(heap.size(), needed)).below(limit.acme());
            if (grown.equals(heap)) {
                return false;
            }
            backFile(grown.acme());
            return !talc.extend(heap, grown).equals(heap);
        }

        /** Makes the mapped file long enough to back memory offsets below {@code acme}. */
        private void backFile(long acme) {
            if (channel == null) {
                return;
            }
            try {
                long end = mapPosition + acme;
                if (channel.size() < end) {
                    channel.write(ByteBuffer.allocate(1), end - 1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not grow the mapped file to " + (mapPosition + acme) + " bytes", e);
            }
        }

        @Override
        public String toString() {
            return (channel == null ? "OomHandler.extendDoubling(" : "OomHandler.growMappedFile(")
                    + limit + ", initialBytes=" + initialBytes + ")";
        }
    }
}

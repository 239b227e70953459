package dev.talc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Invalid calls mixed into a {@link TalcWorkload}: one per {@link #step()}, of a {@link MisuseClass}
 * chosen by the workload's {@link Choices}, each checked and counted in a {@link MisuseCensus}.
 *
 * <p>What is required of each call (DESIGN §4):
 * <ul>
 * <li>if rejected: an {@link IllegalArgumentException} or {@link IllegalStateException} with
 *     {@code key=value} detail, and nothing changed — {@code stats()} equal before and after,
 *     {@code verify()} passes, every live block holds its contents, the guard bytes are intact;</li>
 * <li>in checked mode, and in default mode for the classes the design promises
 *     ({@link MisuseClass#alwaysRejected}), it must be rejected;</li>
 * <li>in default mode, other classes may be accepted: the call is then counted (with whether the heap
 *     still verifies and how many live blocks changed), the model no longer describes the heap, and the
 *     run stops ({@link #poisoned()}) after checking the guard bytes: nothing outside the allocator's
 *     memory may change, whatever it was asked.</li>
 * </ul>
 * With {@code strict}, a broken requirement fails at once (fuzz targets, tests); without, it is only
 * counted (the census command).
 */
final class MisuseWorkload {
    private static final Pattern KEY_VALUE = Pattern.compile("[A-Za-z]+=[^\\s,]");
    /** Memory of another arena and another array: never this allocator's. */
    private static final MemorySegment OTHER_NATIVE = Arena.global().allocate(8192, 4096);
    private static final MemorySegment OTHER_ARRAY = MemorySegment.ofArray(new long[1024]);

    /** A misuse call, named for messages. */
    private record Call(String name, Runnable body) {}

    private final TalcWorkload w;
    private final Talc talc;
    private final Choices in;
    private final MisuseCensus census;
    private final boolean strict;
    private final boolean checked;
    private boolean poisoned;
    long attempts;

    MisuseWorkload(TalcWorkload workload, MisuseCensus census, boolean strict) {
        this.w = workload;
        this.talc = workload.talc;
        this.in = workload.in;
        this.census = census;
        this.strict = strict;
        this.checked = workload.talc.isChecked();
    }

    /** Whether an accepted misuse left a heap the model no longer describes: the run must stop. */
    boolean poisoned() {
        return poisoned;
    }

    /**
     * Runs {@code runs} seeded runs (alternately default and checked mode) of {@code steps} steps, 60%
     * valid and 40% invalid calls, and returns the census.
     */
    static MisuseCensus campaign(long seed, int runs, int steps, boolean strict) {
        MisuseCensus census = new MisuseCensus();
        for (int run = 0; run < runs; run++) {
            Choices in = Choices.seeded(seed * 1_000_003L + run);
            TalcWorkload workload = TalcWorkload.create(in, run % 2 == 1);
            try {
                MisuseWorkload misuse = new MisuseWorkload(workload, census, strict);
                misuse.run(steps);
            } finally {
                workload.close();
            }
        }
        return census;
    }

    /** Up to {@code steps} steps (fewer if the choices run out or a misuse poisons the heap), then the end checks. */
    void run(int steps) {
        for (int step = 0; step < steps && in.hasMore() && !poisoned; step++) {
            if (in.percent(60)) {
                w.step();
                w.check();
            } else {
                step();
            }
        }
        if (poisoned) {
            w.guarded.checkGuards();
        } else {
            w.finish();
        }
    }

    /** One invalid call. */
    void step() {
        switch (in.pick(MisuseClass.values())) {
            case DOUBLE_FREE, DOUBLE_FREE_COALESCED, DOUBLE_FREE_QUICK_BIN -> doubleFree();
            case FREED_BLOCK_RESIZED -> resizeFreed();
            case OUTSIDE_HEAPS -> outsideHeaps();
            case RELEASED_HEAP -> releasedHeap();
            case FOREIGN_SEGMENT -> foreignSegment();
            case BAD_SPAN -> badSpan();
            case BAD_ARGUMENT -> badArgument();
            case RANDOM_OFFSET -> randomOffset();
            case INTERIOR_POINTER -> interiorPointer();
            case WRONG_SIZE -> wrongSize();
            case STALE_BLOCK -> staleBlock();
        }
    }

    // =============================================================================================
    // The classes.
    // =============================================================================================

    private void doubleFree() {
        TalcWorkload.Freed f = w.pick(w.freed);
        if (f != null) {
            attempt(classify(f), blockCall(f.offset(), f.size(), 0, 2));
        }
    }

    private void resizeFreed() {
        TalcWorkload.Freed f = w.pick(w.freed);
        if (f != null) {
            MisuseClass cls = classify(f);
            attempt(cls.alwaysRejected && cls.name().startsWith("DOUBLE_FREE") ? MisuseClass.FREED_BLOCK_RESIZED : cls,
                    blockCall(f.offset(), f.size(), 2, 6));
        }
    }

    private void staleBlock() {
        TalcWorkload.Freed f = w.pick(w.reused);
        if (f == null) {
            return;
        }
        LiveBlocks.Block live = w.blocks.at(f.offset());
        if (live != null && live.size() == f.size()) {
            return; // the same block again: a valid call
        }
        MisuseClass cls = classify(f);
        attempt(cls.name().startsWith("DOUBLE_FREE") ? MisuseClass.STALE_BLOCK : cls, blockCall(f.offset(), f.size(), 0, 6));
    }

    private void outsideHeaps() {
        long size = smallSize();
        long offset;
        switch (in.nextInt(5)) {
            case 0 -> offset = -8 * (1 + in.logUniform(1L << 40));
            case 1 -> offset = in.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE - 7;
            case 2 -> offset = w.memoryBytes + in.logUniform(1L << 40);
            case 3 -> {
                offset = in.nextLong(0, w.memoryBytes - 1);
                if (talc.chunks().heaps.find(offset) >= 0) {
                    return; // not outside after all
                }
                size = Math.min(size, w.memoryBytes - offset);
            }
            default -> {
                // a live block whose size would make it end past its heap
                LiveBlocks.Block block = pickLive();
                if (block == null) {
                    return;
                }
                Span heap = talc.chunks().heaps.span(talc.chunks().heaps.find(block.offset()));
                offset = block.offset();
                size = in.nextBoolean() ? heap.acme() - offset + in.nextLong(0, 64)
                        : in.nextLong(Talc.MAX_BYTE_SIZE + 1, Long.MAX_VALUE);
            }
        }
        attempt(MisuseClass.OUTSIDE_HEAPS, blockCall(offset, size, 0, 6));
    }

    private void releasedHeap() {
        Span span = w.pick(w.released);
        if (span == null) {
            return;
        }
        if (talc.heaps().stream().anyMatch(h -> h.overlaps(span))) {
            return; // claimed again since
        }
        long offset = in.nextLong(span.base(), span.acme() - 1);
        long size = Math.min(smallSize(), span.acme() - offset);
        attempt(MisuseClass.RELEASED_HEAP, blockCall(offset, size, 0, 6));
    }

    private void foreignSegment() {
        long n = in.nextLong(0, 64);
        MemorySegment segment = switch (in.nextInt(6)) {
            case 0 -> w.guarded.guardBelow(Math.max(n, 1)).asSlice(0, n);
            case 1 -> w.guarded.guardAbove(Math.max(n, 1)).asSlice(0, n);
            case 2 -> OTHER_NATIVE.asSlice(8 * in.nextInt(512), n);
            case 3 -> OTHER_ARRAY.asSlice(8 * in.nextInt(512), n);
            case 4 -> MemorySegment.NULL;
            default -> {
                // a segment of the right address space reaching past the end of the memory
                LiveBlocks.Block block = pickLive();
                if (block == null || !w.memory.isNative()) {
                    yield MemorySegment.NULL;
                }
                yield MemorySegment.ofAddress(w.memory.address() + block.offset())
                        .reinterpret(w.memoryBytes - block.offset() + 8 + n);
            }
        };
        long newSize = smallSize();
        long alignment = w.alignment();
        Call call = switch (in.nextInt(3)) {
            case 0 -> new Call("free(" + segment + ")", () -> talc.free(segment));
            case 1 -> new Call("reallocate(" + segment + ", " + newSize + ")", () -> talc.reallocate(segment, newSize));
            default -> new Call("reallocate(" + segment + ", " + newSize + ", " + alignment + ")",
                    () -> talc.reallocate(segment, newSize, alignment));
        };
        attempt(MisuseClass.FOREIGN_SEGMENT, call);
    }

    private void badSpan() {
        List<Span> heaps = talc.heaps();
        long m = w.memoryBytes;
        Span heap = heaps.isEmpty() ? null : heaps.get(in.nextInt(heaps.size()));
        Span notAHeap = heap == null ? new Span(0, m) : heap.extend(8 * in.nextLong(-2, 2), in.nextBoolean() ? 8 : -8);
        Span outside = switch (in.nextInt(5)) {
            case 0 -> new Span(-8 * (1 + in.logUniform(1 << 20)), in.nextLong(0, m));
            case 1 -> new Span(in.nextLong(0, m), m + 1 + in.logUniform(1L << 40));
            case 2 -> new Span(Long.MIN_VALUE, Long.MAX_VALUE);
            case 3 -> new Span(in.nextLong(0, m), Long.MAX_VALUE);
            default -> new Span(Long.MIN_VALUE, in.nextLong(0, m));
        };
        Call call;
        switch (in.nextInt(10)) {
            case 0 -> call = new Call("claim(" + outside + ")", () -> talc.claim(outside));
            case 1 -> {
                long base = in.nextLong(0, m);
                Span empty = new Span(base, base - in.logUniform(64));
                call = new Call("claim(" + empty + ")", () -> talc.claim(empty));
            }
            case 2 -> {
                if (heap == null) {
                    return;
                }
                long base = in.nextLong(Math.max(0, heap.base() - 256), heap.acme() - 8);
                Span overlapping = new Span(base, Math.min(m, Math.max(base + 48, heap.base() + 8) + in.logUniform(m)));
                call = new Call("claim(" + overlapping + ") over " + heap, () -> talc.claim(overlapping));
            }
            case 3 -> {
                long base = in.nextLong(0, m - 8);
                Span tiny = new Span(base, Math.min(m, base + in.nextLong(0, 39)));
                if (!tiny.isEmpty() && tiny.wordAlignInward().size() >= Tag.MIN_HEAP) {
                    return;
                }
                call = new Call("claim(" + tiny + ")", () -> talc.claim(tiny));
            }
            case 4 -> call = new Call("extend(" + notAHeap + ")", () -> talc.extend(notAHeap, new Span(0, m)));
            case 5 -> {
                if (heap == null) {
                    return;
                }
                Span smaller = heap.truncate(8 * in.nextLong(0, 2), 8 * in.nextLong(in.nextBoolean() ? 1 : 0, 2));
                Span shifted = in.nextBoolean() ? outside : smaller.size() < heap.size() ? smaller : heap.truncate(0, 8);
                call = new Call("extend(" + heap + ", " + shifted + ")", () -> talc.extend(heap, shifted));
            }
            case 6 -> {
                if (heaps.size() < 2) {
                    return;
                }
                int i = in.nextInt(heaps.size() - 1);
                Span lower = heaps.get(i);
                Span upper = heaps.get(i + 1);
                boolean up = in.nextBoolean();
                Span over = up ? new Span(lower.base(), upper.base() + 8 * in.nextLong(1, upper.size() / 8))
                        : new Span(lower.acme() - 8 * in.nextLong(1, lower.size() / 8), upper.acme());
                Span target = up ? lower : upper;
                call = new Call("extend(" + target + ", " + over + ") over another heap", () -> talc.extend(target, over));
            }
            case 7 -> call = new Call("truncate(" + notAHeap + ")", () -> talc.truncate(notAHeap, Span.empty()));
            case 8 -> {
                if (heap == null) {
                    return;
                }
                Span beyond = in.nextBoolean() ? outside : heap.extend(in.nextBoolean() ? 8 : 0, 8);
                call = new Call("truncate(" + heap + ", " + beyond + ")", () -> talc.truncate(heap, beyond));
            }
            default -> call = in.nextBoolean()
                    ? new Call("allocatedSpan(" + notAHeap + ")", () -> talc.allocatedSpan(notAHeap))
                    : new Call("allocatableSpan(" + notAHeap + ")", () -> talc.allocatableSpan(notAHeap));
        }
        attempt(MisuseClass.BAD_SPAN, call);
    }

    private void badArgument() {
        long negative = -1 - in.logUniform(Long.MAX_VALUE);
        long badAlignment = switch (in.nextInt(4)) {
            case 0 -> 0;
            case 1 -> negative;
            case 2 -> Long.MIN_VALUE;
            default -> (1L << in.nextInt(62)) * 3;
        };
        LiveBlocks.Block block = pickLive();
        Call call = switch (block == null ? in.nextInt(3) : in.nextInt(8)) {
            case 0 -> new Call("tryAllocate(" + negative + ", 8)", () -> talc.tryAllocate(negative, 8));
            case 1 -> new Call("tryAllocate(8, " + badAlignment + ")", () -> talc.tryAllocate(in.logUniform(1 << 20), badAlignment));
            case 2 -> new Call("allocate(" + negative + ", " + badAlignment + ")", () -> talc.allocate(negative, badAlignment));
            case 3 -> new Call("tryReallocate(" + block + ", newSize=" + negative + ")",
                    () -> talc.tryReallocate(block.offset(), block.size(), 8, negative));
            case 4 -> new Call("tryReallocate(" + block + ", alignment=" + badAlignment + ")",
                    () -> talc.tryReallocate(block.offset(), block.size(), badAlignment, 8));
            case 5 -> new Call("shrink(" + block + ", larger)",
                    () -> talc.shrink(block.offset(), block.size(), in.nextBoolean() ? negative : block.size() + 1 + in.logUniform(1 << 20)));
            case 6 -> {
                if (block.size() == 0) {
                    yield new Call("free(" + block + ", negative)", () -> talc.free(block.offset(), negative));
                }
                yield new Call("tryGrowInPlace(" + block + ", smaller)",
                        () -> talc.tryGrowInPlace(block.offset(), block.size(), in.nextLong(0, block.size() - 1)));
            }
            default -> new Call("free(" + block + ", negative)", () -> talc.free(block.offset(), negative));
        };
        attempt(MisuseClass.BAD_ARGUMENT, call);
    }

    private void randomOffset() {
        List<Span> heaps = talc.heaps();
        if (heaps.isEmpty()) {
            return;
        }
        Span heap = heaps.get(in.nextInt(heaps.size()));
        long offset = in.nextLong(heap.base(), heap.acme() - 1);
        long size = Math.min(in.nextBoolean() ? smallSize() : w.blockSize(), heap.acme() - offset);
        LiveBlocks.Block live = w.blocks.at(offset);
        if (live != null && live.size() == size) {
            return; // a valid call by chance
        }
        attempt(MisuseClass.RANDOM_OFFSET, blockCall(offset, size, 0, 6));
    }

    private void interiorPointer() {
        LiveBlocks.Block block = pickLive();
        if (block == null || block.size() < 2) {
            return;
        }
        long k = in.nextLong(1, block.size() - 1);
        long size = switch (in.nextInt(3)) {
            case 0 -> block.size() - k;
            case 1 -> block.size();
            default -> smallSize();
        };
        attempt(MisuseClass.INTERIOR_POINTER, blockCall(block.offset() + k, size, 0, 6));
    }

    private void wrongSize() {
        LiveBlocks.Block block = pickLive();
        if (block == null) {
            return;
        }
        long d = 1 + in.logUniform(4096);
        long size = in.nextBoolean() || block.size() < d ? block.size() + d : block.size() - d;
        attempt(MisuseClass.WRONG_SIZE, blockCall(block.offset(), size, 0, 6));
    }

    // =============================================================================================
    // Calls and their checks.
    // =============================================================================================

    private long smallSize() {
        return in.nextBoolean() ? in.nextLong(0, 64) : in.logUniform(1 << 16);
    }

    private LiveBlocks.Block pickLive() {
        return w.blocks.isEmpty() ? null : w.blocks.get(in.nextInt(w.blocks.size()));
    }

    /**
     * The class of a second call on the freed block {@code f}, from where it is now: outside every heap
     * (released, or never a heap since), cached in a quick bin, merged into a larger gap, or a gap of
     * its own. Reads the word a free would read (by the chunk layout in {@link Tag}).
     */
    private MisuseClass classify(TalcWorkload.Freed f) {
        if (talc.chunks().heaps.find(f.offset()) < 0) {
            boolean released = w.released.stream().anyMatch(s -> s.contains(f.offset()));
            return released ? MisuseClass.RELEASED_HEAP : MisuseClass.OUTSIDE_HEAPS;
        }
        long tagOffset = f.offset() + Tag.chunkSize(f.size()) - Tag.WORD;
        if (tagOffset + 8 > w.memoryBytes) {
            return MisuseClass.OUTSIDE_HEAPS;
        }
        long tag = talc.chunks().word(tagOffset);
        if ((tag & (Tag.ALLOCATED | Tag.CACHED)) == (Tag.ALLOCATED | Tag.CACHED)) {
            return MisuseClass.DOUBLE_FREE_QUICK_BIN;
        }
        // Freed into a gap: its tag was cleared (merged with the gap above) or became a gap word; a gap
        // reaching past the chunk, or a stale word of a gap that has since grown, means it merged.
        Gaps gaps = talc.chunks().gaps;
        int id = Tag.gapId(tag);
        boolean ownGap = Tag.isGapWord(tag) && id >= 1 && id <= gaps.usedIds() && gaps.base(id) == f.offset()
                && gaps.base(id) + gaps.size(id) == tagOffset + Tag.WORD;
        boolean merged = !ownGap;
        return merged ? MisuseClass.DOUBLE_FREE_COALESCED : MisuseClass.DOUBLE_FREE;
    }

    /**
     * One of the block operations on {@code (offset, size)}, chosen in {@code [from, to)}: 0 free, 1 free
     * of a segment, 2 tryReallocate, 3 reallocate of a segment, 4 tryGrowInPlace, 5 shrink. The segment
     * forms are used only where the slice exists in memory.
     */
    private Call blockCall(long offset, long size, int from, int to) {
        int op = from + in.nextInt(to - from);
        boolean sliceable = offset >= 0 && size >= 0 && size <= w.memoryBytes && offset <= w.memoryBytes - size;
        if (!sliceable && (op == 1 || op == 3)) {
            op--;
        }
        String block = "(offset=" + Errors.hex(offset) + ", byteSize=" + size + ")";
        long newSize = w.blockSize();
        return switch (op) {
            case 0 -> new Call("free" + block, () -> talc.free(offset, size));
            case 1 -> new Call("free(segment" + block + ")", () -> talc.free(w.memory.asSlice(offset, size)));
            case 2 -> new Call("tryReallocate" + block + " to " + newSize, () -> talc.tryReallocate(offset, size, 8, newSize));
            case 3 -> new Call("reallocate(segment" + block + ", " + newSize + ")",
                    () -> talc.reallocate(w.memory.asSlice(offset, size), newSize));
            case 4 -> {
                long grown = size > Long.MAX_VALUE - (1 << 20) ? size : size + in.logUniform(1 << 20);
                yield new Call("tryGrowInPlace" + block + " to " + grown, () -> talc.tryGrowInPlace(offset, size, grown));
            }
            default -> {
                long shrunk = size <= 0 ? 0 : in.nextLong(0, size);
                yield new Call("shrink" + block + " to " + shrunk, () -> talc.shrink(offset, size, shrunk));
            }
        };
    }

    /** Makes the call, checks and counts the outcome (see the class comment). */
    private void attempt(MisuseClass cls, Call call) {
        attempts++;
        boolean mustReject = cls.mustBeRejected(checked);
        TalcStats before = talc.stats();
        RuntimeException rejection = null;
        Throwable other = null;
        try {
            call.body().run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            rejection = e;
        } catch (RuntimeException | OutOfMemoryError e) {
            other = e;
        }
        if (rejection != null) {
            String problem = sideEffects(rejection, before);
            int changed = w.blocks.corrupted(null);
            census.rejected(cls, checked, problem == null, changed);
            if (problem != null) {
                if (strict) {
                    w.failWith(mode() + " " + cls + ": " + call.name() + " was rejected (" + rejection.getMessage()
                            + ") but " + problem);
                }
                poisoned |= changed > 0 || !verifies();
            }
            return;
        }
        int changed = w.blocks.corrupted(null);
        if (other != null) {
            census.otherException(cls, checked, other, changed);
            if (strict && mustReject) {
                throw new AssertionError(mode() + " " + cls + ": " + call.name() + " threw " + other + " instead of a rejection", other);
            }
        } else {
            census.accepted(cls, checked, verifies(), changed);
            if (strict && mustReject) {
                w.failWith(mode() + " " + cls + ": " + call.name() + " was accepted; it must be rejected");
            }
        }
        poisoned = true;
        w.guarded.checkGuards();
    }

    private String mode() {
        return checked ? "checked mode" : "default mode";
    }

    /** What the rejected call changed, or null if nothing. */
    private String sideEffects(RuntimeException rejection, TalcStats before) {
        String message = String.valueOf(rejection.getMessage());
        if (!KEY_VALUE.matcher(message).find()) {
            return "its message has no key=value detail: " + message;
        }
        TalcStats after = talc.stats();
        if (!after.equals(before)) {
            return "stats changed from\n" + before + "to\n" + after;
        }
        try {
            talc.verify();
        } catch (IllegalStateException e) {
            return "verify() fails: " + e.getMessage();
        }
        int changed = w.blocks.corrupted(null);
        if (changed > 0) {
            return changed + " live blocks changed";
        }
        try {
            w.guarded.checkGuards();
        } catch (AssertionError e) {
            return e.getMessage();
        }
        return null;
    }

    private boolean verifies() {
        try {
            talc.verify();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}

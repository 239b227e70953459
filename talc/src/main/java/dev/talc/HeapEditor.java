package dev.talc;

import java.util.Objects;

import static dev.talc.Tag.ALLOCATED;
import static dev.talc.Tag.GRANULE;
import static dev.talc.Tag.MIN_HEAP;
import static dev.talc.Tag.SENTINEL;
import static dev.talc.Tag.WORD;

/**
 * Claiming, extending and truncating the heaps of one {@link Talc}: the cold half of heap management,
 * apart from the allocation paths.
 *
 * <h2>Design note</h2>
 * A heap {@code [base, acme)} starts with a 16-byte sentinel, an allocated pseudo-chunk whose tag (at
 * {@code base + 8}) holds {@code base};
 * chunks tile the rest (see {@link Tag}). Bounds are whole granules of the address. Because any multiple
 * of 16 bytes can be a gap, extending a heap never leaves a sliver out: the new memory joins the gap at
 * that end, or becomes one. Truncating keeps the lowest and highest live chunks and the sentinel below,
 * and releases a heap with no live block entirely.
 *
 * <p>Every check happens before the first change, so a rejected call leaves the allocator as it was.
 * A throwaway object per call (these calls are rare): it holds nothing but the allocator.
 */
final class HeapEditor {
    private final Talc talc;
    private final Chunks chunks;
    private final Heaps heaps;
    private final Gaps gaps;

    HeapEditor(Talc talc) {
        this.talc = talc;
        this.chunks = talc.chunks();
        this.heaps = chunks.heaps;
        this.gaps = chunks.gaps;
    }

    Span claim(Span span) {
        Objects.requireNonNull(span, "span");
        checkInMemory("claim", span);
        Span heap = alignInward(span);
        if (heap.size() < MIN_HEAP) {
            throw Errors.badSpan("claim", "too-small", span, "minimumBytes=" + MIN_HEAP + " (after aligning to 16)");
        }
        int other = heaps.overlapping(span.base(), span.acme(), -1); // as asked: a span reaching into a heap is misuse
        if (other >= 0) {
            throw Errors.badSpan("claim", "overlaps-heap", span, "heap=" + heaps.span(other));
        }
        int id = gaps.nextId();
        chunks.setWord(heap.base() + WORD, heap.base() | ALLOCATED);
        chunks.writeGapWords(heap.base() + SENTINEL, heap.size() - SENTINEL, id);
        gaps.add(id, heap.base() + SENTINEL, heap.size() - SENTINEL);
        heaps.add(heap.base(), heap.acme());
        talc.heapsChanged();
        talc.claimed(heap.size(), true);
        TalcEvents.heapChanged("claim", Span.empty(), heap);
        return heap;
    }

    Span extend(Span heap, Span newHeap) {
        int index = index("extend", heap);
        Objects.requireNonNull(newHeap, "newHeap");
        checkInMemory("extend", newHeap);
        Span target = alignInward(newHeap);
        if (!target.contains(heap)) {
            throw Errors.badSpan("extend", "does-not-contain-heap", newHeap, "heap=" + heap);
        }
        int other = heaps.overlapping(newHeap.base(), newHeap.acme(), index);
        if (other >= 0) {
            throw Errors.badSpan("extend", "overlaps-heap", newHeap, "heap=" + heaps.span(other));
        }
        long base = heap.base();
        long acme = heap.acme();
        long newBase = target.base();
        long newAcme = target.acme();
        // Memory first (every word read and written), then the records: a fault leaves the records as they were.
        boolean up = newAcme > acme;
        boolean down = newBase < base;
        long top = up ? chunks.word(acme - WORD) : 0;
        boolean newTopGap = up && Tag.isAllocated(top);
        int topId = !up ? 0 : newTopGap ? gaps.nextId() : Tag.gapId(top);
        int gapAtBottom = down ? chunks.gapAt(base + SENTINEL) : 0;
        boolean bottomGap = gapAtBottom != 0;
        int bottomId = !down ? 0 : bottomGap ? gapAtBottom : newTopGap ? gaps.nextIdAfterNext() : gaps.nextId();
        if (newTopGap) {
            chunks.writeGapWords(acme, newAcme - acme, topId);
        } else if (up) {
            chunks.setWord(newAcme - WORD, top); // the top gap's word at its new top
        }
        if (down) {
            chunks.setWord(base + WORD, 0); // the old sentinel is now inside a gap
            if (bottomGap) {
                chunks.setWord(newBase + SENTINEL, Tag.gapWord(bottomId));
            } else {
                chunks.writeGapWords(newBase + SENTINEL, base - newBase, bottomId); // over the old sentinel too
            }
            chunks.setWord(newBase + WORD, newBase | ALLOCATED);
        }
        gaps.relistVictim(); // the bottom gap may be the victim, and a victim may not grow past its limit
        if (newTopGap) {
            gaps.add(topId, acme, newAcme - acme);
        } else if (up) {
            gaps.reshape(topId, gaps.base(topId), newAcme - gaps.base(topId));
        }
        if (bottomGap) {
            long gapAcme = gaps.base(bottomId) + gaps.size(bottomId);
            gaps.reshape(bottomId, newBase + SENTINEL, gapAcme - newBase - SENTINEL);
        } else if (down) {
            gaps.add(bottomId, newBase + SENTINEL, base - newBase);
        }
        heaps.update(index, newBase, newAcme);
        talc.heapsChanged();
        talc.claimed((newAcme - newBase) - heap.size(), false);
        Span result = new Span(newBase, newAcme);
        TalcEvents.heapChanged("extend", heap, result);
        return result;
    }

    Span truncate(Span heap, Span newHeap) {
        int index = index("truncate", heap);
        Objects.requireNonNull(newHeap, "newHeap");
        if (!heap.contains(newHeap)) { // before any change; the heap's bounds are whole granules, so aligning keeps it inside
            throw Errors.badSpan("truncate", "not-inside-heap", newHeap, "heap=" + heap);
        }
        talc.flushQuickBins();
        Span target = newHeap.isEmpty() ? Span.empty() : alignOutward(newHeap);
        long base = heap.base();
        long acme = heap.acme();
        long lo = lowestLive(base);
        long hi = highestLive(acme);
        long newBase;
        long newAcme;
        // Memory first (every word read and written), then the records: a fault leaves the records as they were.
        // The gaps at the ends keep their ids; only their moved end's word is written.
        if (lo >= acme) {
            // No live block: one gap [base + 16, acme).
            int id = Tag.gapId(chunks.word(base + SENTINEL));
            if (target.isEmpty()) {
                gaps.remove(id);
                heaps.remove(index);
                talc.heapsChanged();
                talc.claimed(-heap.size(), false);
                TalcEvents.heapChanged("truncate", heap, Span.empty());
                return Span.empty();
            }
            newBase = target.base();
            newAcme = Math.max(target.acme(), Math.min(acme, newBase + MIN_HEAP));
            newBase = Math.min(newBase, newAcme - MIN_HEAP);
            chunks.setWord(newBase + WORD, newBase | ALLOCATED);
            chunks.writeGapWords(newBase + SENTINEL, newAcme - newBase - SENTINEL, id);
            gaps.reshape(id, newBase + SENTINEL, newAcme - newBase - SENTINEL);
        } else {
            newBase = target.isEmpty() ? lo - SENTINEL : Math.min(target.base(), lo - SENTINEL);
            newAcme = target.isEmpty() ? hi : Math.max(target.acme(), hi);
            int bottom = newBase != base ? Tag.gapId(chunks.word(base + SENTINEL)) : 0;
            int top = newAcme != acme ? Tag.gapId(chunks.word(acme - WORD)) : 0;
            boolean gapBelow = lo > newBase + SENTINEL;
            boolean gapAbove = newAcme > hi;
            if (bottom != 0) {
                chunks.setWord(newBase + WORD, newBase | ALLOCATED);
                if (gapBelow) {
                    chunks.setWord(newBase + SENTINEL, Tag.gapWord(bottom));
                }
            }
            if (top != 0 && gapAbove) {
                chunks.setWord(newAcme - WORD, Tag.gapWord(top));
            }
            if (bottom != 0) {
                if (gapBelow) {
                    gaps.reshape(bottom, newBase + SENTINEL, lo - newBase - SENTINEL);
                } else {
                    gaps.remove(bottom);
                }
            }
            if (top != 0) {
                if (gapAbove) {
                    gaps.reshape(top, hi, newAcme - hi);
                } else {
                    gaps.remove(top);
                }
            }
        }
        heaps.update(index, newBase, newAcme);
        talc.heapsChanged();
        talc.claimed((newAcme - newBase) - heap.size(), false);
        Span result = new Span(newBase, newAcme);
        TalcEvents.heapChanged("truncate", heap, result);
        return result;
    }

    Span allocatedSpan(Span heap) {
        index("allocatedSpan", heap);
        talc.flushQuickBins();
        long lo = lowestLive(heap.base());
        return lo >= heap.acme() ? Span.empty() : new Span(lo, highestLive(heap.acme()));
    }

    /** The base of the lowest chunk of the heap at {@code base} that is not a gap (its acme if none). */
    private long lowestLive(long base) {
        int id = chunks.gapAt(base + SENTINEL);
        return id == 0 ? base + SENTINEL : gaps.base(id) + gaps.size(id);
    }

    /** The acme of the highest chunk of the heap ending at {@code acme} that is not a gap. */
    private long highestLive(long acme) {
        long top = chunks.word(acme - WORD);
        return Tag.isAllocated(top) ? acme : gaps.base(Tag.gapId(top));
    }

    int index(String operation, Span heap) {
        Objects.requireNonNull(heap, "heap");
        int index = heaps.indexOf(heap);
        if (index < 0) {
            throw Errors.badSpan(operation, "not-a-heap", heap, "heaps=" + heaps.list());
        }
        return index;
    }

    private void checkInMemory(String operation, Span span) {
        if (span.base() < 0 || span.acme() > talc.memory().byteSize() || span.isEmpty()) {
            throw Errors.badSpan(operation, span.isEmpty() ? "empty" : "outside-memory", span,
                    "memoryBytes=" + talc.memory().byteSize());
        }
    }

    /** The largest span of whole granules (of the address) inside {@code span}; empty if there is none. */
    private Span alignInward(Span span) {
        long base = chunks.alignUp(span.base(), GRANULE);
        long acme = alignDown(span.acme());
        return base < acme ? new Span(base, acme) : Span.empty();
    }

    /** The smallest span of whole granules (of the address) holding {@code span}. */
    private Span alignOutward(Span span) {
        return new Span(alignDown(span.base()), chunks.alignUp(span.acme(), GRANULE));
    }

    private long alignDown(long offset) {
        return ((chunks.addressBase + offset) & -GRANULE) - chunks.addressBase;
    }
}

package dev.talc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The heaps an allocator has claimed: disjoint spans of its memory, sorted by base.
 *
 * <h2>Design note</h2>
 * Two parallel {@code long[]} keep the bounds, sorted, so {@link #find(long)} is a binary search
 * (with a one-heap fast path, the usual case). Heaps change rarely (claim, extend, truncate), so
 * those operations simply shift the arrays. Invariant: {@code acmes[i] <= bases[i + 1]} and
 * {@code acmes[i] - bases[i] >= Tag.MIN_HEAP} for every listed heap.
 *
 * <p>Not thread-safe; owned by one {@link Talc}.
 */
final class Heaps {
    private long[] bases = new long[4];
    private long[] acmes = new long[4];
    private int count;

    int count() {
        return count;
    }

    long base(int index) {
        return bases[index];
    }

    long acme(int index) {
        return acmes[index];
    }

    /** The index of the heap holding {@code offset}, or -1. */
    int find(long offset) {
        if (count == 1) {
            return offset >= bases[0] && offset < acmes[0] ? 0 : -1;
        }
        return search(bases, acmes, count, offset);
    }

    /**
     * The index of the span holding {@code offset} among the first {@code count} disjoint spans
     * {@code [bases[i], acmes[i])} sorted by base, or -1. Binary search: O(log count).
     */
    static int search(long[] bases, long[] acmes, int count, long offset) {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (offset < bases[mid]) {
                high = mid - 1;
            } else if (offset >= acmes[mid]) {
                low = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The index of the heap exactly equal to {@code heap}, or -1. */
    int indexOf(Span heap) {
        int i = heap.isEmpty() ? -1 : find(heap.base());
        return i >= 0 && bases[i] == heap.base() && acmes[i] == heap.acme() ? i : -1;
    }

    /** The index of a heap other than {@code except} that overlaps {@code [base, acme)}, or -1. */
    int overlapping(long base, long acme, int except) {
        for (int i = 0; i < count; i++) {
            if (i != except && bases[i] < acme && base < acmes[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Adds a heap that overlaps none listed. */
    void add(long base, long acme) {
        if (count == bases.length) {
            bases = Arrays.copyOf(bases, count * 2);
            acmes = Arrays.copyOf(acmes, count * 2);
        }
        int i = count;
        while (i > 0 && bases[i - 1] > base) {
            bases[i] = bases[i - 1];
            acmes[i] = acmes[i - 1];
            i--;
        }
        bases[i] = base;
        acmes[i] = acme;
        count++;
    }

    /** Moves the bounds of heap {@code index}; the new bounds keep the order (no overlap). */
    void update(int index, long base, long acme) {
        bases[index] = base;
        acmes[index] = acme;
    }

    void remove(int index) {
        System.arraycopy(bases, index + 1, bases, index, count - index - 1);
        System.arraycopy(acmes, index + 1, acmes, index, count - index - 1);
        count--;
    }

    Span span(int index) {
        return new Span(bases[index], acmes[index]);
    }

    List<Span> list() {
        List<Span> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(span(i));
        }
        return List.copyOf(list);
    }

    long totalBytes() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += acmes[i] - bases[i];
        }
        return total;
    }
}

package dev.talc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A picture of a {@link Talc}'s heaps: which bytes are allocated, free, cached or metadata, by address,
 * as compact text or as an SVG image. Made for spotting fragmentation: many small free gaps between
 * live blocks show at a glance.
 *
 * {@snippet :
 * HeapMap map = HeapMap.of(talc);
 * System.out.println(map.toText(64));           // one line per heap, 64 characters wide
 * map.writeSvg(Path.of("heap-map.svg"));        // open in a browser
 * }
 *
 * {@code toText(32)} of one 4 KiB heap with a free gap between two blocks and a free tail:
 * <pre>
 * heap map: 1 heap, 4,096 bytes, 1 char = 128 bytes   # allocated  c cached  . free  = metadata  | heap bounds
 * 0x0 |##########..........######......|
 * </pre>
 *
 * <h2>Design note</h2>
 * {@link #of(Talc)} walks every heap chunk by chunk, from its acme down (as {@code verify()} does: the
 * top word of every chunk is a tag or a gap's size), and keeps one {@link Region} per chunk and per
 * metadata word, in three arrays. Every byte of every heap is in exactly one region, so
 * {@code bytes(FREE) + bytes(CACHED) = stats().availableBytes()} and the sum over all kinds is
 * {@code stats().claimedBytes()}. The map is a snapshot: it does not follow later changes.
 * <ul>
 * <li>{@link Kind#ALLOCATED}: a chunk holding a live block, its tag word excepted (so alignment padding
 *     and rounding slack count here too).</li>
 * <li>{@link Kind#FREE}: a free gap, the place further allocations take memory from.</li>
 * <li>{@link Kind#CACHED}: a small freed chunk waiting in a quick bin, to be reused as is or merged
 *     into the gaps before an allocation could fail: free memory, kept apart for speed.</li>
 * <li>{@link Kind#METADATA}: the tag word of each allocated chunk and each heap's sentinel word.</li>
 * </ul>
 * Rendering divides each heap into cells of equal size. Text shows each cell as the kind with the most
 * bytes in it; SVG colours each pixel column by the share of each kind in it (blended), so a free gap
 * smaller than a pixel still shows as a lighter tint.
 *
 * @apiNote {@link #of(Talc)} reads the allocator's memory: call it where the allocator may be used (its
 *          owner thread). The map itself is immutable and thread-safe.
 */
public final class HeapMap {
    /** What a region of a heap holds. */
    public enum Kind {
        /** Part of a chunk holding a live block (the block, its padding and slack). */
        ALLOCATED('#', 0x4e79a7),
        /** A free gap. */
        FREE('.', 0xf2f2f2),
        /** A freed small chunk in a quick bin (free, not merged yet). */
        CACHED('c', 0xf28e2b),
        /** A tag word or a heap's sentinel word. */
        METADATA('=', 0x222222);

        private final char symbol;
        private final int rgb;

        Kind(char symbol, int rgb) {
            this.symbol = symbol;
            this.rgb = rgb;
        }

        /**
         * The character {@link HeapMap#toText(int)} draws for this kind.
         *
         * @return {@code #}, {@code .}, {@code c} or {@code =}
         */
        public char symbol() {
            return symbol;
        }

        /**
         * The colour {@link HeapMap#toSvg()} paints this kind with.
         *
         * @return the colour as {@code 0xRRGGBB}
         */
        public int rgb() {
            return rgb;
        }
    }

    /**
     * A run of bytes {@code [base, acme)} of one kind: one chunk, or one metadata word.
     *
     * @param kind what the bytes hold
     * @param base the first offset
     * @param acme the offset after the last byte
     */
    public record Region(Kind kind, long base, long acme) {
        /**
         * A region.
         *
         * @param kind what the bytes hold
         * @param base the first offset
         * @param acme the offset after the last byte, greater than {@code base}
         * @throws NullPointerException     if {@code kind} is null
         * @throws IllegalArgumentException if {@code acme <= base}
         */
        public Region {
            Objects.requireNonNull(kind, "kind");
            if (acme <= base) {
                throw new IllegalArgumentException("region must not be empty: base=" + base + " acme=" + acme);
            }
        }

        /**
         * The number of bytes in the region.
         *
         * @return {@code acme - base}
         */
        public long size() {
            return acme - base;
        }
    }

    private static final Kind[] KINDS = Kind.values();
    private static final int SVG_WIDTH = 1024;
    private static final int SVG_LABEL_WIDTH = 120;
    private static final int SVG_ROW_HEIGHT = 18;
    private static final int SVG_MAX_ROWS = 48;

    private final List<Span> heaps;
    /** Regions of heap h are those at indices {@code [firstRegion[h], firstRegion[h + 1])}. */
    private final int[] firstRegion;
    private final long[] bases;
    private final long[] acmes;
    private final byte[] kinds;
    private final long[] bytesByKind = new long[KINDS.length];
    private final long[] countByKind = new long[KINDS.length];

    private HeapMap(List<Span> heaps, int[] firstRegion, long[] bases, long[] acmes, byte[] kinds) {
        this.heaps = heaps;
        this.firstRegion = firstRegion;
        this.bases = bases;
        this.acmes = acmes;
        this.kinds = kinds;
        for (int i = 0; i < kinds.length; i++) {
            bytesByKind[kinds[i]] += acmes[i] - bases[i];
            countByKind[kinds[i]]++;
        }
    }

    /**
     * Maps every heap of {@code talc} as it is now.
     *
     * <p>Time complexity: O(chunks).
     *
     * @param talc the allocator (used on its owner thread)
     * @return the map
     * @throws NullPointerException  if {@code talc} is null
     * @throws IllegalStateException if a heap is corrupt (a word that cannot be a tag or a gap size)
     */
    public static HeapMap of(Talc talc) {
        Objects.requireNonNull(talc, "talc");
        Builder builder = new Builder();
        Heaps heapList = talc.chunks().heaps;
        int[] firstRegion = new int[heapList.count() + 1];
        for (int h = 0; h < heapList.count(); h++) {
            firstRegion[h] = builder.size;
            builder.add(Kind.METADATA, heapList.base(h), heapList.base(h) + Tag.SENTINEL);
            int from = builder.size;
            ChunkWalker.walk(talc, h, (base, acme, kind) -> {
                // added highest first, reversed below: the tag word first, so it ends up last
                switch (kind) {
                    case ChunkWalker.ALLOCATED -> {
                        builder.add(Kind.METADATA, acme - Tag.WORD, acme);
                        builder.add(Kind.ALLOCATED, base, acme - Tag.WORD);
                    }
                    case ChunkWalker.CACHED -> builder.add(Kind.CACHED, base, acme);
                    default -> builder.add(Kind.FREE, base, acme);
                }
            });
            builder.reverse(from, builder.size);
        }
        firstRegion[heapList.count()] = builder.size;
        return new HeapMap(heapList.list(), firstRegion, Arrays.copyOf(builder.bases, builder.size),
                Arrays.copyOf(builder.acmes, builder.size), Arrays.copyOf(builder.kinds, builder.size));
    }

    /**
     * The heaps mapped, sorted by base.
     *
     * @return the heaps as {@link Talc#heaps()} listed them
     */
    public List<Span> heaps() {
        return heaps;
    }

    /**
     * Every region of every heap, sorted by address; together they tile the heaps exactly.
     *
     * @return an unmodifiable list (its elements are made on access)
     */
    public List<Region> regions() {
        return new AbstractList<>() {
            @Override
            public Region get(int index) {
                Objects.checkIndex(index, kinds.length);
                return new Region(KINDS[kinds[index]], bases[index], acmes[index]);
            }

            @Override
            public int size() {
                return kinds.length;
            }
        };
    }

    /**
     * The number of bytes of a kind in all heaps.
     *
     * @param kind the kind
     * @return the bytes
     */
    public long bytes(Kind kind) {
        return bytesByKind[kind.ordinal()];
    }

    /**
     * The number of regions of a kind: chunks for {@code ALLOCATED}, {@code FREE} and {@code CACHED},
     * words for {@code METADATA}.
     *
     * @param kind the kind
     * @return the count
     */
    public long count(Kind kind) {
        return countByKind[kind.ordinal()];
    }

    /**
     * The heaps as text, one line per heap, all at one scale: the largest heap fills {@code width}
     * characters, each standing for the same number of bytes (a multiple of 8) and drawn as the kind with
     * the most bytes in it. Each line starts with the heap's base offset and puts the heap between
     * {@code |} bars; a first line names the scale and the symbols.
     *
     * @param width the number of characters for the largest heap, at least 1
     * @return the text, lines ended by {@code \n}
     * @throws IllegalArgumentException if {@code width < 1}
     */
    public String toText(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width=" + width + " must be >= 1");
        }
        long largest = heaps.stream().mapToLong(Span::size).max().orElse(Tag.WORD);
        long perChar = (Math.max(1, (largest + width - 1) / width) + Tag.WORD - 1) & -Tag.WORD;
        return render(perChar, Integer.MAX_VALUE);
    }

    /**
     * The heaps as text at a given scale, wrapped: each line shows {@code width} characters of
     * {@code bytesPerChar} bytes each, and starts with the offset of its first byte. Each heap starts on
     * a new line; its bounds are drawn as {@code |}.
     *
     * @param width        characters per line, at least 1
     * @param bytesPerChar bytes per character, at least 1
     * @return the text, lines ended by {@code \n}
     * @throws IllegalArgumentException if {@code width < 1} or {@code bytesPerChar < 1}
     */
    public String toText(int width, long bytesPerChar) {
        if (width < 1 || bytesPerChar < 1) {
            throw new IllegalArgumentException("width=" + width + " bytesPerChar=" + bytesPerChar + " must be >= 1");
        }
        return render(bytesPerChar, width);
    }

    private String render(long perChar, int width) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "heap map: %d heap%s, %,d bytes, 1 char = %,d bytes   # allocated  c cached  . free  = metadata  | heap bounds\n",
                heaps.size(), heaps.size() == 1 ? "" : "s", heaps.stream().mapToLong(Span::size).sum(), perChar));
        int labelWidth = 0;
        for (Span heap : heaps) {
            long lastLine = (heap.size() - 1) / perChar / width * width * perChar;
            labelWidth = Math.max(labelWidth, Errors.hex(heap.base() + lastLine).length());
        }
        for (int h = 0; h < heaps.size(); h++) {
            Span heap = heaps.get(h);
            int cells = (int) Math.min(Integer.MAX_VALUE - 8, (heap.size() + perChar - 1) / perChar);
            long[][] counts = cellBytes(h, heap.base(), perChar, cells);
            for (int from = 0; from < cells; from += width) {
                int to = (int) Math.min(cells, (long) from + width);
                text.append(pad(Errors.hex(heap.base() + from * perChar), labelWidth)).append(' ')
                        .append(from == 0 ? '|' : ' ');
                for (int cell = from; cell < to; cell++) {
                    text.append(KINDS[majority(counts, cell)].symbol());
                }
                text.append(to == cells ? "|" : "").append('\n');
            }
        }
        return text.toString();
    }

    /**
     * The heaps as an SVG image (text, no dependencies): each heap as one or more horizontal bands of
     * equal scale, labelled with offsets, with a legend and the totals of each kind.
     *
     * @return the SVG document
     */
    public String toSvg() {
        long total = heaps.stream().mapToLong(Span::size).sum();
        long perRow = SVG_WIDTH;
        while (rows(perRow) > SVG_MAX_ROWS) {
            perRow *= 2;
        }
        double perPixel = (double) perRow / SVG_WIDTH;
        int rows = rows(perRow);
        int top = 56;
        int height = top + rows * (SVG_ROW_HEIGHT + 4) + heaps.size() * 8 + 16;
        int width = SVG_LABEL_WIDTH + SVG_WIDTH + 16;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"monospace\" font-size=\"11\" shape-rendering=\"crispEdges\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"8\" y=\"16\" font-size=\"13\">Talc heap map: %d heap%s, %,d bytes, %s bytes per pixel, %,d bytes per row</text>%n",
                heaps.size(), heaps.size() == 1 ? "" : "s", total, formatScale(perPixel), perRow));
        int x = 8;
        for (Kind kind : KINDS) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"26\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#888888\"/>"
                            + "<text x=\"%d\" y=\"36\">%s %,d B in %,d</text>%n",
                    x, color(kind.rgb()), x + 16, kind.name().toLowerCase(Locale.ROOT), bytes(kind), count(kind)));
            x += 250;
        }
        int y = top;
        for (int h = 0; h < heaps.size(); h++) {
            Span heap = heaps.get(h);
            svg.append(String.format(Locale.ROOT, "<g><title>heap %s, %,d bytes</title>%n", heap, heap.size()));
            for (long rowBase = heap.base(); rowBase < heap.acme(); rowBase += perRow) {
                long rowAcme = Math.min(heap.acme(), rowBase + perRow);
                int pixels = (int) Math.ceil((rowAcme - rowBase) / perPixel);
                svg.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\">%s</text>%n",
                        y + SVG_ROW_HEIGHT - 5, Errors.hex(rowBase)));
                long[][] counts = cellBytesExact(h, rowBase, rowAcme, perPixel, pixels);
                int runStart = 0;
                int runColor = blend(counts, 0);
                for (int px = 1; px <= pixels; px++) {
                    int color = px < pixels ? blend(counts, px) : -1;
                    if (color != runColor) {
                        svg.append(String.format(Locale.ROOT,
                                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                                SVG_LABEL_WIDTH + runStart, y, px - runStart, SVG_ROW_HEIGHT, color(runColor)));
                        runStart = px;
                        runColor = color;
                    }
                }
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#555555\"/>%n",
                        SVG_LABEL_WIDTH, y, pixels, SVG_ROW_HEIGHT));
                y += SVG_ROW_HEIGHT + 4;
            }
            svg.append("</g>\n");
            y += 8;
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Writes {@link #toSvg()} to a file (UTF-8), replacing it.
     *
     * @param file the file to write
     * @throws IOException if the file cannot be written
     */
    public void writeSvg(Path file) throws IOException {
        Files.writeString(file, toSvg(), StandardCharsets.UTF_8);
    }

    /**
     * A one-line summary: heaps and the bytes and regions of each kind.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("HeapMap[heaps=").append(heaps.size());
        for (Kind kind : KINDS) {
            text.append(", ").append(kind.name().toLowerCase(Locale.ROOT)).append('=').append(bytes(kind))
                    .append("B/").append(count(kind));
        }
        return text.append(']').toString();
    }

    // ---- rendering helpers ------------------------------------------------------------------------

    private int rows(long perRow) {
        long rows = 0;
        for (Span heap : heaps) {
            rows += (heap.size() + perRow - 1) / perRow;
        }
        return (int) Math.min(Integer.MAX_VALUE, rows);
    }

    /** Bytes of each kind in each of {@code cells} cells of {@code perCell} bytes from {@code start}. */
    private long[][] cellBytes(int heap, long start, long perCell, int cells) {
        long[][] counts = new long[KINDS.length][cells];
        long end = start + perCell * cells;
        for (int i = firstRegion[heap]; i < firstRegion[heap + 1]; i++) {
            long base = Math.max(bases[i], start);
            long acme = Math.min(acmes[i], end);
            while (base < acme) {
                int cell = (int) ((base - start) / perCell);
                long cellAcme = Math.min(acme, start + (cell + 1) * perCell);
                counts[kinds[i]][cell] += cellAcme - base;
                base = cellAcme;
            }
        }
        return counts;
    }

    /** As {@link #cellBytes}, for pixel columns of a fractional number of bytes, over {@code [start, end)}. */
    private long[][] cellBytesExact(int heap, long start, long end, double perPixel, int pixels) {
        long[][] counts = new long[KINDS.length][pixels];
        for (int i = firstRegion[heap]; i < firstRegion[heap + 1]; i++) {
            long base = Math.max(bases[i], start);
            long acme = Math.min(acmes[i], end);
            while (base < acme) {
                int px = Math.min(pixels - 1, (int) ((base - start) / perPixel));
                long pixelAcme = Math.min(acme, Math.max(base + 1, start + (long) Math.ceil((px + 1) * perPixel)));
                counts[kinds[i]][px] += pixelAcme - base;
                base = pixelAcme;
            }
        }
        return counts;
    }

    private static int majority(long[][] counts, int cell) {
        int best = 0;
        for (int k = 1; k < counts.length; k++) {
            if (counts[k][cell] > counts[best][cell]) {
                best = k;
            }
        }
        return best;
    }

    /** The colours of the kinds in a pixel column, mixed by their share of its bytes. */
    private static int blend(long[][] counts, int px) {
        long total = 0;
        double r = 0;
        double g = 0;
        double b = 0;
        for (int k = 0; k < counts.length; k++) {
            long n = counts[k][px];
            total += n;
            int rgb = KINDS[k].rgb();
            r += n * ((rgb >> 16) & 0xff);
            g += n * ((rgb >> 8) & 0xff);
            b += n * (rgb & 0xff);
        }
        if (total == 0) {
            return 0xffffff;
        }
        return ((int) Math.round(r / total) << 16) | ((int) Math.round(g / total) << 8) | (int) Math.round(b / total);
    }

    private static String color(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb);
    }

    private static String formatScale(double perPixel) {
        return perPixel == Math.rint(perPixel) ? String.format(Locale.ROOT, "%,d", (long) perPixel)
                : String.format(Locale.ROOT, "%.2f", perPixel);
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** Growable parallel arrays of regions. */
    private static final class Builder {
        long[] bases = new long[64];
        long[] acmes = new long[64];
        byte[] kinds = new byte[64];
        int size;

        void add(Kind kind, long base, long acme) {
            if (size == kinds.length) {
                int capacity = Math.max(64, size * 2);
                bases = Arrays.copyOf(bases, capacity);
                acmes = Arrays.copyOf(acmes, capacity);
                kinds = Arrays.copyOf(kinds, capacity);
            }
            bases[size] = base;
            acmes[size] = acme;
            kinds[size] = (byte) kind.ordinal();
            size++;
        }

        void reverse(int from, int to) {
            for (int i = from, j = to - 1; i < j; i++, j--) {
                long base = bases[i];
                bases[i] = bases[j];
                bases[j] = base;
                long acme = acmes[i];
                acmes[i] = acmes[j];
                acmes[j] = acme;
                byte kind = kinds[i];
                kinds[i] = kinds[j];
                kinds[j] = kind;
            }
        }
    }
}

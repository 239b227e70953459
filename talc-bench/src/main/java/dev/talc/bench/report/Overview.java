package dev.talc.bench.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import dev.talc.bench.trace.Traces;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.RandomActions;
import dev.talc.bench.workload.TraceReplay;

/**
 * The README's view of a run: Talc against what a Java programmer would pick instead (glibc's malloc through
 * FFM, one-nio's Malloc, mimalloc through LWJGL), as speed relative to glibc through FFM on every real
 * program's trace and on random actions at every M (1 thread, with realloc): one Markdown table
 * ({@code overview.md}) and one chart ({@code overview.png}).
 *
 * <p>Design note: one unit for every column, "times as fast as glibc through FFM" (glibc's time per event over
 * the allocator's on a trace; the allocator's score over glibc's in random actions), so a row reads across and
 * a bar above 1 is faster than glibc; the absolute figures are in {@code summary.txt}. The glibc peer is the one
 * with critical downcalls, the cheapest way Java can call malloc. Four series with distinct colours, Talc's the
 * strongest. Alternatives: one chart per workload (the harness's other charts; too many to read at a glance);
 * absolute scores (ns per event and operations per 200 ms do not share an axis).
 */
public final class Overview {

    /** The allocators of the overview, in order; the first is Talc, the second the reference. */
    public static final List<String> ALLOCATORS = List.of("Talc", "glibc malloc (FFM critical)", "one-nio Malloc",
            "mimalloc (LWJGL)");
    private static final Color[] COLORS = {new Color(0, 90, 220), new Color(120, 120, 120), new Color(230, 140, 30),
            new Color(40, 160, 80)};

    private final List<Row> rows;

    private Overview(List<Row> rows) {
        this.rows = rows;
    }

    /** One column of the overview: its label and how to get each allocator's speed relative to glibc. */
    private record Column(String label, String benchmark, long maxSize, boolean lowerIsBetter) {
    }

    private List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        for (String trace : Traces.names()) {
            columns.add(new Column(trace, TraceReplay.benchmark(trace), -1, true));
        }
        for (int m : Params.RA_MAX_SIZES) {
            columns.add(new Column("RA M=" + m, RandomActions.NAME, m, false));
        }
        return columns;
    }

    /** Speed of {@code allocator} relative to the reference (glibc) in {@code column}, when both ran. */
    private OptionalDouble relative(String allocator, Column column) {
        Optional<Double> own = score(allocator, column);
        Optional<Double> reference = score(ALLOCATORS.get(1), column);
        if (own.isEmpty() || reference.isEmpty() || own.get() <= 0 || reference.get() <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(column.lowerIsBetter ? reference.get() / own.get() : own.get() / reference.get());
    }

    private Optional<Double> score(String allocator, Column column) {
        return rows.stream().filter(r -> r.measured() && r.allocator().equals(allocator)
                        && r.benchmark().equals(column.benchmark) && r.threads() == 1
                        && (column.maxSize < 0 || r.maxSize() == column.maxSize))
                .map(Row::score).findFirst();
    }

    /**
     * Writes {@code overview.md} and {@code overview.png} into {@code dir} when the run has the reference
     * (glibc) and Talc; returns the files written.
     */
    public static List<Path> write(Path dir, List<Row> rows) throws IOException {
        Overview overview = new Overview(rows);
        List<Column> columns = overview.columns().stream()
                .filter(c -> overview.relative(ALLOCATORS.get(0), c).isPresent()).toList();
        if (columns.isEmpty()) {
            return List.of();
        }
        Path md = dir.resolve("overview.md");
        Files.writeString(md, overview.markdown(columns), StandardCharsets.UTF_8);
        Path png = dir.resolve("overview.png");
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(png.toFile(), overview.chart(columns), 1600, 700);
        return List.of(md, png);
    }

    /** The Markdown table: a row per allocator, a column per trace and random-actions size. */
    String markdown(List<Column> columns) {
        StringBuilder out = new StringBuilder("| times as fast as glibc malloc through FFM |");
        columns.forEach(c -> out.append(' ').append(c.label).append(" |"));
        out.append("\n|---|");
        columns.forEach(c -> out.append("---:|"));
        out.append('\n');
        for (String allocator : ALLOCATORS) {
            out.append("| ").append(allocator.equals(ALLOCATORS.get(0)) ? "**" + allocator + "**" : allocator).append(" |");
            for (Column c : columns) {
                OptionalDouble v = relative(allocator, c);
                String cell = v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "n/a";
                out.append(' ').append(allocator.equals(ALLOCATORS.get(0)) ? "**" + cell + "**" : cell).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private JFreeChart chart(List<Column> columns) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String allocator : ALLOCATORS) {
            for (Column c : columns) {
                relative(allocator, c).ifPresent(v -> data.addValue(v, allocator, c.label));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Speed relative to glibc malloc through FFM (higher is faster): real programs' traces, and random"
                        + " actions (1 thread, with realloc)", "", "times as fast as glibc malloc (FFM)", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        plot.getDomainAxis().setMaximumCategoryLabelLines(2); // "RA M=10000" wraps instead of becoming "..."
        plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new java.awt.BasicStroke(1.5f)));
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        for (int i = 0; i < ALLOCATORS.size(); i++) {
            int series = data.getRowIndex(ALLOCATORS.get(i));
            if (series >= 0) {
                renderer.setSeriesPaint(series, COLORS[i]);
            }
        }
        return chart;
    }
}

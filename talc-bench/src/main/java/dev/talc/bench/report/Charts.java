package dev.talc.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

import dev.talc.bench.alloc.Contenders;
import dev.talc.bench.alloc.Contenders.Contender;
import dev.talc.bench.workload.HeapEfficiency;
import dev.talc.bench.workload.HighAlignment;
import dev.talc.bench.workload.Microbench;
import dev.talc.bench.workload.Params;
import dev.talc.bench.workload.RandomActions;
import dev.talc.bench.workload.TraceReplay;
import dev.talc.bench.trace.Traces;

/**
 * PNG bar charts (JFreeChart, headless) next to {@code results.csv}: one per random-actions configuration
 * (groups = M, bars = allocators, plus the labelled Rust Talc reference where DESIGN.md gives one), heap
 * efficiency, latency percentiles (log scale), the high-alignment ratio and the alignment-16 variant's ratio to
 * the standard one (bars from 1, with the target's line). Only measured rows are drawn.
 */
public final class Charts {

    private static final int WIDTH = 1600;
    private static final int HEIGHT = 800;

    private final List<Row> rows;
    private final List<Contender> contenders;

    private Charts(List<Row> rows, List<Contender> contenders) {
        this.rows = rows;
        this.contenders = contenders;
    }

    /** Writes every chart that has data into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, List<Row> rows, List<Contender> contenders) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        return new Charts(rows, contenders).writeAll(dir);
    }

    private List<Path> writeAll(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (boolean realloc : new boolean[] {true, false}) {
            for (int threads : Params.RA_THREADS) {
                String b = realloc ? RandomActions.NAME : RandomActions.NAME_NO_REALLOC;
                DefaultCategoryDataset data = new DefaultCategoryDataset();
                for (int m : Params.RA_MAX_SIZES) {
                    for (Contender c : contenders) {
                        value(c.name(), b, threads, m).ifPresent(v -> data.addValue(v / 1e6, c.name(), "M=" + m));
                    }
                    if (threads == 1 && realloc && data.getColumnKeys().contains("M=" + m)) {
                        data.addValue(Params.RUST_TALC_REFERENCE.get(Params.RA_MAX_SIZES.indexOf(m)) / 1e6,
                                "Rust Talc (reference, DESIGN.md, not measured here)", "M=" + m);
                    }
                }
                String title = "Random actions, " + (realloc ? "with" : "without") + " realloc, " + threads
                        + (threads == 1 ? " thread" : " threads (shared allocator)") + " (higher is better)";
                files.add(save(dir.resolve(b + "_t" + threads + ".png"), bar(title, "max size M",
                        "million successful operations per 200 ms", data, false), data));
            }
        }

        for (boolean realloc : new boolean[] {true, false}) {
            String b = RandomActions.ratioName(realloc);
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (int m : Params.RA_MAX_SIZES) {
                for (Contender c : contenders) {
                    value(c.name(), b, 1, m).ifPresent(v -> data.addValue(v, c.name(), "M=" + m));
                }
            }
            files.add(save(dir.resolve(b + ".png"), align16Ratio("Random actions " + (realloc ? "with" : "without")
                    + " realloc, 1 thread: alignment >= 16 / standard, same allocator (bars from 1 = parity; target"
                    + " for Talc >= " + Tables.ALIGN16_TARGET + ")", data), data));
        }

        DefaultCategoryDataset he = new DefaultCategoryDataset();
        for (Contender c : contenders) {
            value(c.name(), HeapEfficiency.NAME, 1, Params.HE_MAX_SIZE).ifPresent(v -> he.addValue(v, "efficiency", c.name()));
        }
        files.add(save(dir.resolve("heap_efficiency.png"), bar("Heap efficiency at first failure, % of the arena"
                + " (higher is better; Rust Talc reference: " + Params.RUST_TALC_HEAP_EFFICIENCY + ")", "allocator", "%",
                he, false), he));

        for (boolean pressure : new boolean[] {false, true}) {
            DefaultCategoryDataset lat = new DefaultCategoryDataset();
            for (Contender c : contenders) {
                for (String op : List.of("allocate", "free")) {
                    for (double p : List.of(50.0, 99.0, 99.9)) {
                        String series = op + " p" + (p == 50 ? "50" : p == 99 ? "99" : "99.9");
                        value(c.name(), Microbench.rowName(pressure, op, p), 1, Params.MB_MAX_SIZE)
                                .ifPresent(v -> lat.addValue(Math.max(1, v), series, c.name()));
                    }
                }
            }
            String name = pressure ? Microbench.NAME_PRESSURE : Microbench.NAME;
            files.add(save(dir.resolve(name + ".png"), bar("Latency per call, ns, log scale"
                    + (pressure ? ", under heap pressure" : ", mixed workload") + " (lower is better)", "allocator",
                    "ns", lat, true), lat));
        }

        DefaultCategoryDataset ha = new DefaultCategoryDataset();
        for (Contender c : contenders) {
            value(c.name(), HighAlignment.NAME_RATIO, 1, HighAlignment.MAX_SIZE).ifPresent(v -> ha.addValue(v,
                    "time(1 B align 4096) / time(4096 B align 8)", c.name()));
        }
        files.add(save(dir.resolve("high_alignment.png"), bar("High alignment: time ratio align 4096 / align 8"
                + " (lower is better)", "allocator", "ratio", ha, false), ha));
        DefaultCategoryDataset traces = new DefaultCategoryDataset();
        DefaultCategoryDataset footprints = new DefaultCategoryDataset();
        for (String name : Traces.names()) {
            for (Contender c : contenders) {
                value(c.name(), TraceReplay.benchmark(name), 1, 0).ifPresent(v -> traces.addValue(v, c.name(), name));
                value(c.name(), TraceReplay.footprintBenchmark(name), 1, 0)
                        .ifPresent(v -> footprints.addValue(v, c.name(), name));
            }
        }
        files.add(save(dir.resolve("traces.png"), bar("Real programs' traces: ns per event, replayed on one thread"
                + " (lower is better)", "trace", "ns per event (median of the timed passes)", traces, false), traces));
        files.add(save(dir.resolve("traces_footprint.png"), bar("Real programs' traces: peak footprint / peak live bytes"
                + " (lower is better)", "trace", "footprint / peak live bytes", footprints, false), footprints));
        files.removeIf(f -> f == null);
        return files;
    }

    private Optional<Double> value(String allocator, String benchmark, int threads, long maxSize) {
        return rows.stream()
                .filter(r -> r.measured() && r.allocator().equals(allocator) && r.benchmark().equals(benchmark)
                        && r.threads() == threads && r.maxSize() == maxSize)
                .map(Row::score).findFirst();
    }

    private static JFreeChart bar(String title, String categoryLabel, String valueLabel, DefaultCategoryDataset data,
                                  boolean log) {
        JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, valueLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        // Talc's forms in strong blues, the reference row in grey, peers in the default palette
        Color[] talc = {new Color(0, 70, 200), new Color(60, 140, 255), new Color(130, 190, 255)};
        for (int i = 0; i < data.getRowCount(); i++) {
            String series = data.getRowKey(i).toString();
            if (series.startsWith("Rust Talc")) {
                renderer.setSeriesPaint(i, Color.GRAY);
            } else if (series.equals(Contenders.TALC)) {
                renderer.setSeriesPaint(i, talc[0]);
            } else if (series.equals(Contenders.CONCURRENT_TALC)) {
                renderer.setSeriesPaint(i, talc[1]);
            } else if (series.equals(Contenders.TALC_GLOBAL_LOCK)) {
                renderer.setSeriesPaint(i, talc[2]);
            }
        }
        CategoryAxis axis = plot.getDomainAxis();
        if (data.getColumnCount() > 6) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        if (log) {
            LogAxis logAxis = new LogAxis(valueLabel);
            logAxis.setSmallestValue(1);
            plot.setRangeAxis(logAxis);
            renderer.setBase(1); // bars start at 1 ns: 0 has no logarithm
            renderer.setIncludeBaseInRange(false);
        }
        return chart;
    }

    /** Bars of ratios drawn up or down from 1, on an axis that keeps the target's line and every bar in view. */
    private static JFreeChart align16Ratio(String title, DefaultCategoryDataset data) {
        JFreeChart chart = bar(title, "max size M", "align16 score / standard score", data, false);
        CategoryPlot plot = chart.getCategoryPlot();
        double low = Tables.ALIGN16_TARGET;
        double high = 1;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null) {
                    low = Math.min(low, v.doubleValue());
                    high = Math.max(high, v.doubleValue());
                }
            }
        }
        plot.getRangeAxis().setRange(low - 0.05, high + 0.05);
        ((BarRenderer) plot.getRenderer()).setBase(1);
        ValueMarker target = new ValueMarker(Tables.ALIGN16_TARGET, Color.RED, new BasicStroke(2f));
        target.setLabel("target " + Tables.ALIGN16_TARGET);
        target.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        target.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(target);
        return chart;
    }

    private static Path save(Path file, JFreeChart chart, DefaultCategoryDataset data) throws IOException {
        if (data.getRowCount() == 0) {
            return null;
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}

package io.holdfast.origin;

/** Reads one series from Prometheus text output. */
final class Metrics {
    private Metrics() {
    }

    /** The value of the series whose name and labels start with {@code series} (0 when absent). */
    static double value(String scrape, String series) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String head = line.substring(0, line.lastIndexOf(' '));
            String rest = head.substring(name.length());
            if (!rest.isEmpty() && !rest.startsWith("{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels.isEmpty() ? new String[0] : labels.split(",")) {
                all &= rest.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}

package dev.companion.image.client;

import jakarta.enterprise.context.ApplicationScoped;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Analyzer {@code offline-analyzer}: reports facts it computes from the pixels (dimensions, format,
 * dominant colours, brightness, contrast, colourfulness, edge density). It recognises no objects, text or
 * styles, and says so in every answer instead of guessing.
 */
@ApplicationScoped
public class OfflineImageAnalyzer implements ImageAnalyzer {

    public static final String NAME = "offline-analyzer";

    private static final Object[][] PALETTE = {
            {"black", 0, 0, 0}, {"white", 255, 255, 255}, {"gray", 128, 128, 128}, {"silver", 192, 192, 192},
            {"red", 220, 30, 30}, {"maroon", 128, 0, 0}, {"orange", 255, 140, 0}, {"yellow", 240, 220, 40},
            {"olive", 128, 128, 0}, {"green", 40, 170, 60}, {"dark green", 0, 90, 30}, {"teal", 0, 128, 128},
            {"cyan", 40, 210, 230}, {"blue", 40, 80, 220}, {"navy", 0, 0, 110}, {"purple", 128, 40, 160},
            {"magenta", 220, 40, 200}, {"pink", 250, 170, 200}, {"brown", 130, 80, 40}, {"beige", 225, 210, 170}};

    @Override
    public AnalysisResult analyze(AnalysisRequest req) {
        BufferedImage img = req.image();
        int w = img.getWidth();
        int h = img.getHeight();
        int step = Math.max(1, (int) Math.ceil(Math.sqrt((double) w * h / 250_000.0)));
        int[] bins = new int[512];
        long[][] binSums = new long[512][3];
        double sumY = 0;
        double sumY2 = 0;
        double sumR = 0;
        double sumG = 0;
        double sumB = 0;
        double rgSum = 0;
        double rgSq = 0;
        double ybSum = 0;
        double ybSq = 0;
        long edges = 0;
        long samples = 0;
        for (int y = 0; y < h; y += step) {
            double prevLuma = -1;
            for (int x = 0; x < w; x += step) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
                sumY += luma;
                sumY2 += luma * luma;
                sumR += r;
                sumG += g;
                sumB += b;
                double rg = r - g;
                double yb = 0.5 * (r + g) - b;
                rgSum += rg;
                rgSq += rg * rg;
                ybSum += yb;
                ybSq += yb * yb;
                if (prevLuma >= 0 && Math.abs(luma - prevLuma) > 40) {
                    edges++;
                }
                prevLuma = luma;
                int bin = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
                bins[bin]++;
                binSums[bin][0] += r;
                binSums[bin][1] += g;
                binSums[bin][2] += b;
                samples++;
            }
        }
        double meanY = sumY / samples;
        double brightness = meanY / 255.0;
        double contrast = Math.sqrt(Math.max(0, sumY2 / samples - meanY * meanY)) / 255.0;
        double rgMean = rgSum / samples;
        double ybMean = ybSum / samples;
        double colourfulness = Math.sqrt(Math.max(0, rgSq / samples - rgMean * rgMean) + Math.max(0, ybSq / samples - ybMean * ybMean))
                + 0.3 * Math.sqrt(rgMean * rgMean + ybMean * ybMean);
        double edgeDensity = (double) edges / samples;

        int colourCount = "colors".equals(req.focus()) ? 8 : "basic".equals(req.detailLevel()) ? 3 : 5;
        List<Map<String, Object>> dominant = dominant(bins, binSums, samples, colourCount);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("width", w);
        data.put("height", h);
        data.put("format", req.format());
        data.put("bytes", req.bytes().length);
        data.put("aspectRatio", round(w / (double) h, 3));
        data.put("orientation", w > h ? "landscape" : w < h ? "portrait" : "square");
        data.put("hasAlpha", img.getColorModel().hasAlpha());
        data.put("dominantColors", dominant);
        data.put("brightness", round(brightness, 3));
        data.put("brightnessLabel", brightness < 0.3 ? "dark" : brightness > 0.7 ? "bright" : "medium");
        if (!"basic".equals(req.detailLevel())) {
            data.put("contrast", round(contrast, 3));
            data.put("contrastLabel", contrast < 0.12 ? "low" : contrast > 0.28 ? "high" : "medium");
            data.put("colorfulness", round(colourfulness, 1));
            data.put("colorfulnessLabel", colourfulness < 15 ? "muted" : colourfulness > 60 ? "vivid" : "moderate");
        }
        if ("expert".equals(req.detailLevel())) {
            data.put("meanRgb", List.of(round(sumR / samples, 1), round(sumG / samples, 1), round(sumB / samples, 1)));
            data.put("edgeDensity", round(edgeDensity, 4));
            data.put("sampleStep", step);
        }
        data.put("questionAnswered", false);
        data.put("limitations", "Offline analysis measures pixels only; it does not recognise objects, text, styles or scenes.");

        StringBuilder d = new StringBuilder();
        d.append(String.format(Locale.ROOT, "A %dx%d %s image (%s), %s overall (brightness %.2f)", w, h,
                req.format().toUpperCase(Locale.ROOT), data.get("orientation"), data.get("brightnessLabel"), brightness));
        if (data.containsKey("contrast")) {
            d.append(String.format(Locale.ROOT, " with %s contrast (%.2f) and %s colours", data.get("contrastLabel"), contrast,
                    data.get("colorfulnessLabel")));
        }
        d.append(". Dominant colours: ");
        for (int i = 0; i < dominant.size(); i++) {
            Map<String, Object> c = dominant.get(i);
            d.append(i == 0 ? "" : ", ").append(c.get("name")).append(' ').append(c.get("hex"))
                    .append(String.format(Locale.ROOT, " (%.0f%%)", ((Number) c.get("share")).doubleValue() * 100));
        }
        d.append(". ");
        if (req.question() != null && !req.question().isBlank()) {
            d.append("The offline analyzer cannot answer \"").append(req.question().strip())
                    .append("\": it reports measured facts only; configure a vision provider for content questions.");
        } else {
            d.append("These are measured facts; no content recognition was attempted.");
        }
        // confidence covers what is reported: measurements, not interpretations
        return new AnalysisResult(d.toString(), data, 1.0, NAME);
    }

    private static List<Map<String, Object>> dominant(int[] bins, long[][] sums, long samples, int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] > 0) {
                order.add(i);
            }
        }
        order.sort((a, b) -> Integer.compare(bins[b], bins[a]));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, order.size()); i++) {
            int bin = order.get(i);
            int r = (int) (sums[bin][0] / bins[bin]);
            int g = (int) (sums[bin][1] / bins[bin]);
            int b = (int) (sums[bin][2] / bins[bin]);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("hex", String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b));
            c.put("name", nearestName(r, g, b));
            c.put("share", round((double) bins[bin] / samples, 3));
            out.add(c);
        }
        return out;
    }

    static String nearestName(int r, int g, int b) {
        String best = "gray";
        double bestD = Double.MAX_VALUE;
        for (Object[] p : PALETTE) {
            double dr = r - (int) p[1];
            double dg = g - (int) p[2];
            double db = b - (int) p[3];
            double dist = 0.3 * dr * dr + 0.59 * dg * dg + 0.11 * db * db;
            if (dist < bestD) {
                bestD = dist;
                best = (String) p[0];
            }
        }
        return best;
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}

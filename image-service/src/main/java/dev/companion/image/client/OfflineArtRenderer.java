package dev.companion.image.client;

import jakarta.enterprise.context.ApplicationScoped;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Model {@code offline-art}: draws an abstract composition seeded by the prompt (gradient, shapes, the
 * prompt as a caption) with java.awt. No network, same inputs → same pixels. It is not a diffusion
 * model and does not pretend to be one; it exists so the whole pipeline runs anywhere.
 */
@ApplicationScoped
public class OfflineArtRenderer implements ImageProvider {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Override
    public List<byte[]> generate(ImageSpec spec, IntConsumer progress) {
        List<byte[]> out = new ArrayList<>(spec.n());
        for (int i = 0; i < spec.n(); i++) {
            out.add(render(spec, i));
            progress.accept((int) Math.round(100.0 * (i + 1) / spec.n()));
        }
        return out;
    }

    /** One deterministic PNG for image {@code index} of the spec. */
    public byte[] render(ImageSpec spec, int index) {
        Random random = new Random(seed(spec, index));
        boolean vivid = "vivid".equals(spec.style());
        boolean hd = "hd".equals(spec.quality());
        int w = spec.width();
        int h = spec.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, hd ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float hue = random.nextFloat();
            float sat = vivid ? 0.75f + random.nextFloat() * 0.25f : 0.2f + random.nextFloat() * 0.25f;
            Color from = Color.getHSBColor(hue, sat, 0.35f + random.nextFloat() * 0.3f);
            Color to = Color.getHSBColor((hue + 0.15f + random.nextFloat() * 0.3f) % 1f, sat, 0.7f + random.nextFloat() * 0.3f);
            g.setPaint(new GradientPaint(0, 0, from, w, h, to));
            g.fillRect(0, 0, w, h);

            int shapes = (hd ? 40 : 18) + random.nextInt(10);
            for (int s = 0; s < shapes; s++) {
                float shapeHue = (hue + (random.nextFloat() - 0.5f) * (vivid ? 0.8f : 0.3f) + 1f) % 1f;
                Color c = Color.getHSBColor(shapeHue, sat, 0.4f + random.nextFloat() * 0.6f);
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60 + random.nextInt(140)));
                int cx = random.nextInt(w);
                int cy = random.nextInt(h);
                int r = Math.max(8, (int) (Math.min(w, h) * (0.03 + random.nextDouble() * 0.22)));
                switch (random.nextInt(4)) {
                    case 0 -> g.fillOval(cx - r, cy - r, 2 * r, 2 * r);
                    case 1 -> g.fillRect(cx - r, cy - r / 2, 2 * r, r);
                    case 2 -> {
                        Polygon p = new Polygon();
                        int corners = 3 + random.nextInt(4);
                        for (int k = 0; k < corners; k++) {
                            double a = 2 * Math.PI * k / corners + random.nextDouble() * 0.4;
                            p.addPoint(cx + (int) (r * Math.cos(a)), cy + (int) (r * Math.sin(a)));
                        }
                        g.fillPolygon(p);
                    }
                    default -> {
                        g.setStroke(new BasicStroke(2 + random.nextInt(Math.max(2, r / 6))));
                        g.drawLine(cx - r, cy - r, cx + r, cy + r);
                    }
                }
            }
            caption(g, spec.prompt(), w, h);
        } finally {
            g.dispose();
        }
        return png(img);
    }

    private static void caption(Graphics2D g, String prompt, int w, int h) {
        int fontSize = Math.max(14, Math.min(w, h) / 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontSize));
        FontMetrics fm = g.getFontMetrics();
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : prompt.trim().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (fm.stringWidth(candidate) > w - 2 * fontSize && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
            if (lines.size() == 4) {
                break;
            }
        }
        if (lines.size() < 4 && !line.isEmpty()) {
            lines.add(line.toString());
        }
        int band = lines.size() * fm.getHeight() + fontSize;
        g.setColor(new Color(0, 0, 0, 120));
        g.fillRect(0, h - band, w, band);
        g.setColor(Color.WHITE);
        int y = h - band + fontSize / 2 + fm.getAscent();
        for (String l : lines) {
            g.drawString(l, fontSize, y);
            y += fm.getHeight();
        }
    }

    private static long seed(ImageSpec spec, int index) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((spec.prompt() + "|" + spec.size() + "|" + spec.quality() + "|" + spec.style() + "|" + index)
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.companion.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Nothing blocks an event loop: every test class of a service runs with Vert.x's blocked-thread checker
 * set to 200 ms (the parent POM's surefire {@code quarkus.vertx.max-event-loop-execute-time} and
 * {@code quarkus.vertx.warning-exception-time}), and this extension (registered for every test by
 * JUnit's extension auto-detection, also set there) watches the checker's logger and reads the stack the
 * checker captured. A class fails when an event loop was caught <em>waiting</em> (parked, sleeping, in
 * {@code Object.wait}, in socket or file I/O) or in work that must never run on a loop (password hashing,
 * image decoding, compression), naming the thread and the frames. A loop caught in cold-start CPU work
 * (class loading, Hibernate compiling a query the first time, the JIT's first pass) on a loaded 2-core
 * machine is printed as a report, not failed: it is not a blocking call and does not recur once warm.
 *
 * <p>Blocking findings are printed as {@code [BlockedThreadWatch] Vert.x blocked-thread checker warned …} and
 * fail the class when {@code companion.blocked-thread.fail} is true (the parent POM passes its property, false
 * until a full CI run has shown no finding; run alone, outside that POM, it fails).
 */
public class BlockedThreadWatch implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** Vert.x 4's checker logs here. */
    static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

    /** Held, so the JUL logger (weakly referenced by its manager) keeps its handler. */
    private static final Logger CHECKER = Logger.getLogger(CHECKER_LOGGER);
    /** Frames that mean the loop waits (or hashes, decodes, compresses) instead of running handlers. */
    private static final List<String> BLOCKING_FRAMES = List.of(
            "jdk.internal.misc.Unsafe.park", "sun.misc.Unsafe.park", "java.util.concurrent.locks.LockSupport.park",
            "java.lang.Object.wait", "java.lang.Thread.sleep",
            // socket and file I/O, DNS (URLEncoder and friends in java.net are CPU work, not I/O)
            "sun.nio.ch.", "java.net.Socket", "java.net.InetAddress", "java.net.HttpURLConnection",
            "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile", "sun.nio.fs.UnixNativeDispatcher",
            "java.util.concurrent.CompletableFuture.get", "java.util.concurrent.FutureTask.get",
            "io.smallrye.mutiny.operators.uni.UniBlockingAwait",
            "at.favre.lib.crypto.bcrypt", "org.mindrot.jbcrypt", "org.springframework.security.crypto.bcrypt",
            "javax.imageio.", "java.util.zip.Deflater", "org.apache.kafka.clients.producer.KafkaProducer.send");

    /** Loading a class reads jars (files, zip): cold start, whatever the frames above it. */
    private static final List<String> CLASS_LOADING_FRAMES = List.of(
            "java.lang.ClassLoader.", "jdk.internal.loader.", "io.quarkus.bootstrap.runner.", "io.quarkus.bootstrap.classloading.");

    /**
     * A blocking call or must-never-run work among the top frames the checker captured. Class loading anywhere
     * on the stack is excepted: a Quarkus class loader reading a jar through zipfs puts some 25 frames of file
     * I/O above its {@code loadClass}.
     */
    static boolean blocking(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (startsWithAny(frame, CLASS_LOADING_FRAMES)) {
                return false;
            }
        }
        int top = Math.min(stack.length, 16);
        for (int i = 0; i < top; i++) {
            if (startsWithAny(stack[i], BLOCKING_FRAMES)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAny(StackTraceElement element, List<String> prefixes) {
        String frame = element.getClassName() + "." + element.getMethodName();
        for (String p : prefixes) {
            if (frame.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();
    private static final List<String> COLD = new CopyOnWriteArrayList<>();
    private static final Handler HANDLER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains("has been blocked for")) {
                StackTraceElement[] stack = record.getThrown() == null ? new StackTraceElement[0] : record.getThrown().getStackTrace();
                String where = stack.length == 0 ? "" : " at " + stack[0] + (stack.length > 1 ? " < " + stack[1] : "");
                (blocking(stack) ? WARNINGS : COLD).add(message + where);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        WARNINGS.clear();
        COLD.clear();
        install();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Quarkus configures logging when the application starts (after beforeAll): put the handler back
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!COLD.isEmpty()) {
            System.err.println("[BlockedThreadWatch] cold-start CPU work over 200 ms on an event loop during "
                    + context.getDisplayName() + " (reported, not failed): " + String.join(" | ", COLD));
            COLD.clear();
        }
        if (WARNINGS.isEmpty()) {
            return;
        }
        String report = "Vert.x blocked-thread checker warned " + WARNINGS.size() + " time(s) during "
                + context.getDisplayName() + ": " + String.join(" | ", WARNINGS);
        WARNINGS.clear();
        if (Boolean.parseBoolean(System.getProperty("companion.blocked-thread.fail", "true"))) {
            throw new AssertionError(report);
        }
        System.err.println("[BlockedThreadWatch] " + report);
    }

    private static void install() {
        Logger logger = CHECKER;
        for (Handler h : logger.getHandlers()) {
            if (h == HANDLER) {
                return;
            }
        }
        logger.addHandler(HANDLER);
    }
}

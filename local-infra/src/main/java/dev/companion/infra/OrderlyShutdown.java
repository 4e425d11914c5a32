package dev.companion.infra;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a stop action once on SIGINT or SIGTERM and then exits, so the launcher decides the order in
 * which things stop. A shutdown hook covers other ways out (System.exit, end of main).
 */
final class OrderlyShutdown {

    private OrderlyShutdown() {
    }

    static void onSignals(Runnable stop) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                stop.run();
            }
        };
        for (String name : new String[]{"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> new Thread(() -> {
                once.run();
                System.exit(0);
            }, "stop-on-" + name).start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "stop-on-exit"));
    }
}

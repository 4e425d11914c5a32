package dev.companion.testing;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Controls the test JVM's infrastructure from test code (e.g. stop Kafka for an outage test).
 * The handle is a platform MBean, reached by name with JDK types only, because Quarkus may load
 * test resources and tests in different class loaders.
 */
public final class InfraControl {

    static final String NAME = "dev.companion.testing:type=InfraControl";

    private InfraControl() {
    }

    public static void stopKafka() {
        command("kafka stop");
    }

    public static void startKafka() {
        command("kafka start");
    }

    private static void command(String command) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.invoke(new ObjectName(NAME), "command", new Object[]{command}, new String[]{String.class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException(command + " failed (is LocalInfraResource running in this JVM?)", e);
        }
    }

    /** The MBean interface; public for JMX. */
    public interface CommandsMBean {
        void command(String command) throws Exception;
    }

    /** Executes commands on the infrastructure child process. */
    public static final class Commands implements CommandsMBean {
        private final dev.companion.infra.InfraProcess process;

        Commands(dev.companion.infra.InfraProcess process) {
            this.process = process;
        }

        @Override
        public void command(String command) throws Exception {
            switch (command) {
                case "kafka stop" -> process.stopKafka();
                case "kafka start" -> process.startKafka();
                default -> throw new IllegalArgumentException(command);
            }
        }

        static void register(dev.companion.infra.InfraProcess process) throws Exception {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new Commands(process), name);
        }
    }
}

package dev.companion.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockedThreadWatchTest {

    private static StackTraceElement[] stack(String... frames) {
        StackTraceElement[] out = new StackTraceElement[frames.length];
        for (int i = 0; i < frames.length; i++) {
            int dot = frames[i].lastIndexOf('.');
            out[i] = new StackTraceElement(frames[i].substring(0, dot), frames[i].substring(dot + 1), null, -1);
        }
        return out;
    }

    @Test
    void aLoopWaitingOrHashingIsBlocking() {
        assertTrue(BlockedThreadWatch.blocking(stack("jdk.internal.misc.Unsafe.park", "java.util.concurrent.locks.LockSupport.park",
                "io.smallrye.mutiny.operators.uni.UniBlockingAwait.await", "dev.companion.x.Service.call")));
        assertTrue(BlockedThreadWatch.blocking(stack("java.lang.Thread.sleep", "dev.companion.x.Service.call")));
        assertTrue(BlockedThreadWatch.blocking(stack("sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.NioSocketImpl.read")));
        assertTrue(BlockedThreadWatch.blocking(stack("at.favre.lib.crypto.bcrypt.BCryptOpenBSDProtocol.expensiveKeySchedule",
                "at.favre.lib.crypto.bcrypt.BCrypt$Hasher.hash", "dev.companion.auth.service.Passwords.hash")));
        assertTrue(BlockedThreadWatch.blocking(stack("org.apache.kafka.clients.producer.KafkaProducer.send", "dev.companion.x.Events.send")));
    }

    @Test
    void coldStartCpuWorkIsNot() {
        assertFalse(BlockedThreadWatch.blocking(stack("java.lang.ClassLoader.defineClass1", "java.lang.ClassLoader.defineClass",
                "io.quarkus.bootstrap.runner.RunnerClassLoader.loadClass")));
        // reading the jar while loading a class: file I/O under the class loader is still cold start
        assertFalse(BlockedThreadWatch.blocking(stack("java.io.RandomAccessFile.readBytes", "java.util.zip.ZipFile$Source.readAt",
                "jdk.internal.loader.BuiltinClassLoader.loadClass")));
        // the same through zipfs: the class loader sits far below the read (chat-service's AgentProviderTest, CI)
        String[] zipfs = new String[24];
        java.util.Arrays.fill(zipfs, "jdk.nio.zipfs.ZipFileSystem.readFullyAt");
        zipfs[0] = "sun.nio.ch.FileDispatcherImpl.pread0";
        zipfs[23] = "io.quarkus.bootstrap.classloading.QuarkusClassLoader.loadClass";
        assertFalse(BlockedThreadWatch.blocking(stack(zipfs)));
        assertFalse(BlockedThreadWatch.blocking(stack("org.hibernate.query.hql.internal.SemanticQueryBuilder.visitRootEntity",
                "org.hibernate.query.hql.internal.StandardHqlTranslator.translate")));
        assertFalse(BlockedThreadWatch.blocking(stack("java.io.CharArrayWriter.write", "java.net.URLEncoder.encode",
                "dev.companion.x.Links.query")));
        assertFalse(BlockedThreadWatch.blocking(new StackTraceElement[0]));
    }
}

package dev.companion.download.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-size byte pipe between one writer thread and one reader thread. Unlike
 * {@link java.io.PipedInputStream} it does not tie itself to the threads that used it last (the S3
 * client reads from pool threads that come and go), and the writer can abort it so the reader fails
 * instead of seeing a clean end of a truncated stream.
 */
final class BoundedPipe {

    private static final long STALL_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final byte[] buffer;
    private int readPos;
    private int count;
    private boolean writerClosed;
    private boolean readerClosed;
    private Exception abortedBy;

    BoundedPipe(int capacity) {
        this.buffer = new byte[capacity];
    }

    final OutputStream sink = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (BoundedPipe.this) {
                while (len > 0) {
                    long deadline = System.nanoTime() + STALL_NANOS;
                    while (count == buffer.length && !readerClosed) {
                        await(deadline);
                    }
                    if (readerClosed) {
                        throw new IOException("the reader of the pipe has gone");
                    }
                    int writePos = (readPos + count) % buffer.length;
                    int n = Math.min(len, Math.min(buffer.length - count, buffer.length - writePos));
                    System.arraycopy(b, off, buffer, writePos, n);
                    count += n;
                    off += n;
                    len -= n;
                    BoundedPipe.this.notifyAll();
                }
            }
        }

        @Override
        public void close() {
            closeWriter();
        }
    };

    final InputStream source = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (BoundedPipe.this) {
                long deadline = System.nanoTime() + STALL_NANOS;
                while (count == 0 && !writerClosed && abortedBy == null) {
                    await(deadline);
                }
                if (abortedBy != null) {
                    throw new IOException("stream aborted: " + abortedBy.getMessage(), abortedBy);
                }
                if (count == 0) {
                    return -1;
                }
                int n = Math.min(len, Math.min(count, buffer.length - readPos));
                System.arraycopy(buffer, readPos, b, off, n);
                readPos = (readPos + n) % buffer.length;
                count -= n;
                BoundedPipe.this.notifyAll();
                return n;
            }
        }

        @Override
        public int available() {
            synchronized (BoundedPipe.this) {
                return count;
            }
        }

        @Override
        public void close() {
            closeReader();
        }
    };

    synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    /** From now on the reader fails: what it has seen must not be taken for the whole stream. */
    synchronized void abort(Exception cause) {
        abortedBy = cause;
        notifyAll();
    }

    private void await(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("pipe stalled for " + TimeUnit.NANOSECONDS.toMinutes(STALL_NANOS) + " minutes");
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

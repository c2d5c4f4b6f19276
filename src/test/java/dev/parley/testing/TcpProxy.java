package dev.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 that a test can cut and restore, to drop a browser's connection the way a network does:
 * {@link #cut()} closes every proxied connection and makes new ones fail (accepted, then closed at once) until
 * {@link #restore()}. Bytes pass through untouched, so HTTP and WebSocket both work through it.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final InetAddress source;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private TcpProxy(ServerSocket listener, InetSocketAddress target, InetAddress source) {
        this.listener = listener;
        this.target = target;
        this.source = source;
    }

    /** Listens on a free port of 127.0.0.1 and forwards to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, null);
    }

    /**
     * Like {@link #start(String, int)}, with the forwarded connections opened from {@code source} (e.g. 127.0.0.2),
     * so the server sees the proxy as a peer of its own.
     */
    public static TcpProxy start(String targetHost, int targetPort, InetAddress source) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(targetHost, targetPort), source);
            daemon("proxy-accept", proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(listener);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                if (source != null) {
                    server.bind(new InetSocketAddress(source, 0));
                }
                server.connect(target, 5_000);
                open.add(client);
                open.add(server);
                daemon("proxy-up", () -> pump(client, server)).start();
                daemon("proxy-down", () -> pump(server, client)).start();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the other direction or cut() closed the pair
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is all that is wanted
        }
    }
}

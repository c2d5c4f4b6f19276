package dev.parley.chat.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A fake WebSocket session: records the frames a connection sends and completes each send at once. */
public class RecordingSink implements FrameSink {

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

    @Override
    public void sendText(String frame, Consumer<Throwable> done) {
        frames.add(frame);
        done.accept(null);
    }

    @Override
    public void close(CloseReason reason) {
        closed.complete(reason);
    }

    /** The next frame, failing after five seconds. */
    public JsonObject next() {
        return Json.createReader(new StringReader(nextText())).readObject();
    }

    /** The next frame as sent, failing after five seconds. */
    public String nextText() {
        try {
            String frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame arrived");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonObject next(String type) {
        JsonObject frame = next();
        if (!type.equals(frame.getString("type"))) {
            throw new AssertionError("expected " + type + " but got " + frame);
        }
        return frame;
    }

    /** Everything sent so far and not yet read. */
    public List<JsonObject> drain() {
        List<String> taken = new ArrayList<>();
        frames.drainTo(taken);
        return taken.stream()
                .map(f -> Json.createReader(new StringReader(f)).readObject())
                .toList();
    }

    public int closeCode() {
        return closed.join().getCloseCode().getCode();
    }
}

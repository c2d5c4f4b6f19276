package dev.parley.testing;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** What CDI does with a synchronous event, for unit tests: call the observer on the firing thread. */
public final class EventDouble<T> implements Event<T> {

    private final Consumer<? super T> observer;

    public EventDouble(Consumer<? super T> observer) {
        this.observer = observer;
    }

    @Override
    public void fire(T event) {
        observer.accept(event);
    }

    @Override
    public <U extends T> CompletionStage<U> fireAsync(U event) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("Parley fires synchronously"));
    }

    @Override
    public <U extends T> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
        return fireAsync(event);
    }

    @Override
    public Event<T> select(Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <U extends T> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <U extends T> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }
}

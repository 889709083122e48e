package dev.lumiaagent.web;

import dev.lumiaagent.view.BenchEvent;
import dev.lumiaagent.view.BenchSnapshot;
import dev.lumiaagent.view.BenchTotals;
import dev.lumiaagent.view.BenchView;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bench the server shows: the running station's {@link BenchView}, or none ({@code serve} before a station is
 * started from the API). Streams hear of the view's changes and of the view itself being replaced.
 */
final class LiveBench implements BenchView.Observer {
    /** Woken on every change; must not block. */
    interface Wake {
        void wake();

        void close();
    }

    private final List<Wake> streams = new CopyOnWriteArrayList<>();
    private volatile BenchView view;

    LiveBench(BenchView view) {
        show(view);
    }

    /** Shows {@code v} (null: no bench) from now on. */
    synchronized void show(BenchView v) {
        if (view != null) {
            view.removeObserver(this);
        }
        view = v;
        if (v != null) {
            v.addObserver(this);
        }
        streams.forEach(Wake::wake);
    }

    BenchView view() {
        return view;
    }

    /** The bench now; without a view, an empty bench titled so. */
    static BenchSnapshot snapshotOf(BenchView v) {
        return v != null ? v.snapshot() : new BenchSnapshot(0, Instant.now().toString(), "no station running",
                new BenchTotals(0, 0, 0, 0, 0, 0, 0, 0), List.of(), List.of());
    }

    /** Ends every stream (the server stops). */
    void closeStreams() {
        streams.forEach(Wake::close);
        streams.clear();
        BenchView v = view;
        if (v != null) {
            v.removeObserver(this);
        }
    }

    void listen(Wake w) {
        streams.add(w);
    }

    void unlisten(Wake w) {
        streams.remove(w);
    }

    @Override
    public void changed(long version) {
        streams.forEach(Wake::wake);
    }

    @Override
    public void event(BenchEvent event) {
        // the streams read the events after their last one (eventsAfter) when woken by changed()
    }
}

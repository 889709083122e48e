package dev.lumiaagent.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.view.BenchEvent;
import dev.lumiaagent.view.BenchSnapshot;
import dev.lumiaagent.view.BenchView;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's {@code GET /api/v1/events}: on connect a {@code snapshot} event (the BenchSnapshot), then a
 * {@code bench-event} per BenchEvent (its {@code id} is the event's seq, so a reconnecting EventSource sends
 * {@code Last-Event-ID} and gets what it missed from {@link BenchView#eventsAfter}), and a {@code snapshot} at most
 * {@value #SNAPSHOTS_PER_SECOND} times a second while the bench's version moves; a comment every
 * {@value #HEARTBEAT_SECONDS} s keeps proxies and idle timeouts from closing it.
 *
 * <p>The bench's observers never wait on a client: a change only schedules this stream's pump on the server's
 * executor, and the pump (one at a time per client) does the writing.
 */
final class BenchStream implements LiveBench.Wake {
    static final int SNAPSHOTS_PER_SECOND = 4;
    static final long SNAPSHOT_GAP_MS = 1000 / SNAPSHOTS_PER_SECOND;
    static final long HEARTBEAT_SECONDS = 15;

    private final SseClient client;
    private final LiveBench live;
    private final ScheduledExecutorService executor;
    private final ObjectMapper json;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private BenchView shown;
    private long lastSeq;
    private long lastVersion = -1;
    private long lastSnapshotAt;
    private ScheduledFuture<?> heartbeat;
    private volatile boolean closed;

    BenchStream(SseClient client, LiveBench live, ScheduledExecutorService executor, ObjectMapper json, Long lastEventId) {
        this.client = client;
        this.live = live;
        this.executor = executor;
        this.json = json;
        this.lastSeq = lastEventId == null ? -1 : lastEventId;
    }

    /** Sends the snapshot (and the events missed since Last-Event-ID), then follows the bench. */
    void start() {
        client.keepAlive();
        client.onClose(this::close);
        synchronized (this) {
            BenchView v = live.view();
            shown = v;
            BenchSnapshot s = LiveBench.snapshotOf(v);
            send("snapshot", s, null);
            lastVersion = s.version();
            lastSnapshotAt = System.nanoTime();
            if (lastSeq >= 0 && v != null) {
                sendEvents(v.eventsAfter(lastSeq));
            } else {
                lastSeq = s.events().isEmpty() ? 0 : s.events().get(s.events().size() - 1).seq();
            }
        }
        live.listen(this);
        heartbeat = executor.scheduleAtFixedRate(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        wake(); // a change between the snapshot and listening
    }

    @Override
    public void wake() {
        if (!closed && scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::pump);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                close();
            }
        }
    }

    private void pump() {
        scheduled.set(false);
        long later = 0;
        synchronized (this) {
            if (closed || client.terminated()) {
                close();
                return;
            }
            BenchView v = live.view();
            if (v != shown) {
                // the station changed (started or stopped from the API): a new bench, shown whole
                shown = v;
                BenchSnapshot s = LiveBench.snapshotOf(v);
                send("snapshot", s, null);
                lastVersion = s.version();
                lastSnapshotAt = System.nanoTime();
                lastSeq = s.events().isEmpty() ? 0 : s.events().get(s.events().size() - 1).seq();
                return;
            }
            if (v == null) {
                return;
            }
            sendEvents(v.eventsAfter(lastSeq));
            if (v.version() != lastVersion) {
                long since = (System.nanoTime() - lastSnapshotAt) / 1_000_000;
                if (since >= SNAPSHOT_GAP_MS) {
                    BenchSnapshot s = v.snapshot();
                    send("snapshot", s, null);
                    lastVersion = s.version();
                    lastSnapshotAt = System.nanoTime();
                } else {
                    later = SNAPSHOT_GAP_MS - since;
                }
            }
        }
        if (later > 0 && scheduled.compareAndSet(false, true)) {
            try {
                executor.schedule(this::pump, later, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                close();
            }
        }
    }

    private void sendEvents(List<BenchEvent> events) {
        for (BenchEvent e : events) {
            send("bench-event", e, Long.toString(e.seq()));
            lastSeq = Math.max(lastSeq, e.seq());
        }
    }

    private synchronized void beat() {
        if (closed || client.terminated()) {
            close();
            return;
        }
        client.sendComment("heartbeat");
    }

    private void send(String event, Object data, String id) {
        String text;
        try {
            text = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event + " as JSON", e);
        }
        if (id == null) {
            client.sendEvent(event, text);
        } else {
            client.sendEvent(event, text, id);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        live.unlisten(this);
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            // the client is gone already
        }
    }
}

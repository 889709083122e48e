package dev.lumiaagent.sim;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A strict phone played from a capture ({@code --bus replay:FILE.pcap}): it presents the captured
 * identity on one port and answers each host transfer with the phone's captured transfers, in order.
 *
 * <p>Every host write must be the captured one, byte for byte (bytes past a capture's snap length are
 * not known and so not compared; the length always is). At the first difference the replay records one
 * violation naming the transfer and the byte, e.g. "transfer 17 (host → phone, 12 bytes): byte 4 is
 * 0x03, the capture has 0x02", reports it, and stops answering: every later read and write fails at
 * once with {@code REPLAY_DIVERGED} and that violation, so the agent ends with it instead of waiting out
 * its timeouts.
 *
 * <p>A capture with several enumerations (the phone changed mode: a new USB address) is replayed as the
 * phone re-enumerating: once every transfer of one enumeration has been played, the phone leaves the bus
 * after {@link #LEAVE_AFTER} and comes back as the next one after {@link #RETURN_AFTER}, as a real phone
 * drops off a while after it has answered a mode switch.
 */
public final class ReplayBus implements Bus {
    static final Duration LEAVE_AFTER = Duration.ofMillis(200);
    static final Duration RETURN_AFTER = Duration.ofMillis(300);

    private final ReplayScript script;
    private final PortPath port;
    private final Consumer<String> report;
    private final List<Consumer<BusEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replay-bus");
        t.setDaemon(true);
        return t;
    });
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private int enumeration;
    private int next;
    private UsbDevice present;
    private ReplayLink current;
    private boolean leaving;
    private boolean closed;

    /**
     * @param report told each violation once, as it happens (the CLI prints it)
     */
    public ReplayBus(ReplayScript script, PortPath port, Consumer<String> report) {
        this.script = Objects.requireNonNull(script, "script");
        this.port = Objects.requireNonNull(port, "port");
        this.report = Objects.requireNonNull(report, "report");
        this.present = script.enumerations().get(0).deviceAt(port);
    }

    public static ReplayBus open(java.nio.file.Path file, PortPath port, Consumer<String> report) {
        return new ReplayBus(ReplayScript.read(file), port, report);
    }

    /** The violations recorded so far (at most one: the replay stops at the first). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many captured transfers were played (matched or answered), of how many. */
    public synchronized String progress() {
        int played = 0;
        int total = 0;
        for (int i = 0; i < script.enumerations().size(); i++) {
            int n = script.enumerations().get(i).transfers().size();
            total += n;
            played += i < enumeration ? n : i == enumeration ? next : 0;
        }
        return played + " of " + total + " captured transfers played";
    }

    @Override
    public synchronized List<UsbDevice> devices() {
        return present == null ? List.of() : List.of(present);
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized Link open(UsbDevice device, LinkOptions options) {
        if (closed) {
            throw new IllegalStateException("the replay bus is closed");
        }
        if (!violations.isEmpty()) {
            throw diverged();
        }
        if (present == null || !present.equals(device)) {
            throw new DeviceGone("no phone " + device + " on the replay bus now" + (present == null ? "" : "; it is " + present));
        }
        ReplayLink link = new ReplayLink(new InboundQueue(true, SimLink.MAX_PACKET), "replay " + port + " " + present.vidPid() + " ("
                + script.file().getFileName() + ")");
        current = link;
        answer();
        return link;
    }

    @Override
    public String describe() {
        return "replay of " + script.file() + " on " + port + " (" + script.enumerations().size() + " enumeration"
                + (script.enumerations().size() == 1 ? "" : "s") + "; " + progress() + ")";
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.shutdownNow();
    }

    private TransportFailure diverged() {
        return new TransportFailure("REPLAY_DIVERGED", "the host diverged from the capture: " + violations.get(0));
    }

    private ReplayScript.Enumeration now() {
        return script.enumerations().get(enumeration);
    }

    /** Under the lock: hands the host every phone transfer up to the next host transfer, then schedules a re-enumeration at the end. */
    private void answer() {
        List<ReplayScript.Transfer> ts = now().transfers();
        while (next < ts.size() && ts.get(next).in()) {
            ReplayScript.Transfer t = ts.get(next);
            if (t.truncated()) {
                violation(t.describe() + ": the capture kept only " + t.data().length + " bytes (snap length), so the phone's answer "
                        + "cannot be replayed");
                return;
            }
            if (current != null) {
                current.inbound.offer(t.data());
            }
            next++;
        }
        if (next == ts.size() && enumeration + 1 < script.enumerations().size() && !leaving) {
            leaving = true;
            timer.schedule(this::leave, LEAVE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void leave() {
        UsbDevice gone;
        synchronized (this) {
            gone = present;
            present = null;
            if (current != null) {
                current.inbound.gone("the replayed phone left the bus (it re-enumerates, as in the capture)");
                current = null;
            }
        }
        fire(new BusEvent.Detached(gone));
        timer.schedule(this::arrive, RETURN_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void arrive() {
        UsbDevice back;
        synchronized (this) {
            enumeration++;
            next = 0;
            leaving = false;
            present = now().deviceAt(port);
            back = present;
        }
        fire(new BusEvent.Attached(back));
    }

    private void fire(BusEvent e) {
        for (Consumer<BusEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                SimLog.LOG.warn("a bus listener failed on {}: {}", e, ex.toString());
            }
        }
    }

    /** Under the lock: records the first violation, reports it, and stops answering. */
    private void violation(String what) {
        if (!violations.isEmpty()) {
            return;
        }
        violations.add(what);
        SimLog.LOG.warn("replay violation: {}", what);
        if (current != null) {
            // a reader already waiting for the phone's answer ends now too, not at its own timeout
            current.inbound.gone("the replay stopped answering at the first divergence: " + what);
        }
        try {
            report.accept(what);
        } catch (RuntimeException e) {
            SimLog.LOG.warn("could not report the replay violation: {}", e.toString());
        }
    }

    /** One host message, compared with the captured one. */
    private synchronized void hostWrote(ReplayLink link, byte[] message) {
        if (!violations.isEmpty()) {
            throw diverged();
        }
        if (link != current) {
            throw new DeviceGone("this link's replayed phone re-enumerated; open the new one");
        }
        List<ReplayScript.Transfer> ts = now().transfers();
        int index = next < ts.size() ? ts.get(next).index()
                : (ts.isEmpty() ? lastIndexBefore() : ts.get(ts.size() - 1).index()) + 1;
        String sent = "transfer " + index + " (host → phone, " + message.length + " bytes)";
        if (next >= ts.size()) {
            violation(sent + ": the capture has no more transfers" + (enumeration + 1 < script.enumerations().size()
                    ? " before the phone re-enumerates" : ""));
            throw diverged();
        }
        ReplayScript.Transfer t = ts.get(next);
        byte[] want = t.data();
        int same = Math.min(message.length, want.length);
        for (int i = 0; i < same; i++) {
            if (message[i] != want[i]) {
                violation(String.format("%s: byte %d is 0x%02X, the capture has 0x%02X", sent, i, message[i] & 0xFF, want[i] & 0xFF));
                throw diverged();
            }
        }
        if (message.length != t.length()) {
            violation(sent + ": the capture's transfer has " + t.length() + " bytes (the first " + same + " agree)");
            throw diverged();
        }
        next++;
        answer();
    }

    private int lastIndexBefore() {
        int last = 0;
        for (int i = 0; i < enumeration; i++) {
            List<ReplayScript.Transfer> ts = script.enumerations().get(i).transfers();
            if (!ts.isEmpty()) {
                last = ts.get(ts.size() - 1).index();
            }
        }
        return last;
    }

    /** The host end: a packet link (one read = one captured transfer). */
    private final class ReplayLink implements Link {
        final InboundQueue inbound;
        private final String description;
        private volatile boolean closedLink;

        ReplayLink(InboundQueue inbound, String description) {
            this.inbound = inbound;
            this.description = description;
        }

        @Override
        public void write(ByteBuffer src, Duration timeout) {
            check();
            byte[] m = new byte[src.remaining()];
            src.get(m);
            hostWrote(this, m);
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            check();
            if (!violations.isEmpty()) {
                throw diverged();
            }
            return inbound.read(dst, timeout);
        }

        private void check() {
            if (closedLink) {
                throw new IllegalStateException("link closed: " + description);
            }
        }

        @Override
        public int maxPacketSize() {
            return SimLink.MAX_PACKET;
        }

        @Override
        public boolean keepsBoundaries() {
            return true;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void close() {
            closedLink = true;
        }
    }
}

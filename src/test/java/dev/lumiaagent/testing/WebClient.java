package dev.lumiaagent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Real HTTP requests to a running dashboard (java.net.http), and an SSE reader that waits on events. */
public final class WebClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    public WebClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public WebClient withToken(String t) {
        return new WebClient(base, t);
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<byte[]> getBytes(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> postJson(String path, String body) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** One server-sent event. */
    public record Event(String name, String id, String data) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + data, e);
            }
        }
    }

    /** Opens {@code GET path} as an event stream (Last-Event-ID when given). */
    public Sse sse(String path, Long lastEventId) {
        HttpRequest.Builder b = request(path).timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", Long.toString(lastEventId));
        }
        Sse s = new Sse();
        s.response = http.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
            s.status = r.statusCode();
            CompletableFuture.runAsync(() -> s.read(r.body()));
            return r;
        });
        return s;
    }

    public static final class Sse implements AutoCloseable {
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
        public volatile int status;
        CompletableFuture<HttpResponse<Stream<String>>> response;
        private volatile Stream<String> lines;

        private void read(Stream<String> body) {
            lines = body;
            String name = "message";
            String id = null;
            StringBuilder data = new StringBuilder();
            try {
                for (String line : (Iterable<String>) body::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(name, id, data.toString()));
                        }
                        name = "message";
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        comments.add(line.substring(1).strip());
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).strip();
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) {
                            data.append('\n');
                        }
                        data.append(line.substring(5).strip());
                    }
                }
            } catch (RuntimeException e) {
                // closed
            }
        }

        /** The next event that matches, waiting up to {@code timeout}; events before it are dropped. */
        public Event await(Predicate<Event> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Event> seen = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no matching event within " + timeout + "; seen: " + seen);
                }
                if (match.test(e)) {
                    return e;
                }
                seen.add(e);
            }
        }

        public Event next(Duration timeout) throws InterruptedException {
            return await(e -> true, timeout);
        }

        public List<String> comments() {
            return comments;
        }

        @Override
        public void close() {
            Stream<String> l = lines;
            if (l != null) {
                l.close();
            }
            response.cancel(true);
        }
    }
}

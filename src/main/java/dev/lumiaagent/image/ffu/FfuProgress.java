package dev.lumiaagent.image.ffu;

/** Progress of a long pass over an FFU. Called from the working thread; must not block. */
@FunctionalInterface
public interface FfuProgress {
    FfuProgress NONE = (done, total) -> { };

    void progress(long bytesDone, long bytesTotal);
}

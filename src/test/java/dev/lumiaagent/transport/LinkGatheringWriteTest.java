package dev.lumiaagent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.ScriptedLink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Link#write(ByteBuffer[], Duration)}'s default: the parts' concatenation as one plain write. */
class LinkGatheringWriteTest {
    private static final Duration T = Duration.ofSeconds(1);

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void thePartsGoAsOneMessageInOrder() {
        ScriptedLink link = new ScriptedLink(true, 512);
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put("efgh".getBytes(StandardCharsets.US_ASCII)).flip();
        ByteBuffer offset = ascii("xxABCDyy");
        offset.position(2).limit(6);
        ByteBuffer[] parts = {offset, ByteBuffer.allocate(0), direct.asReadOnlyBuffer(), ascii("!")};
        link.write(parts, T);
        link.write(new ByteBuffer[] {ascii("next")}, T);

        assertThat(link.written).hasSize(2);
        assertThat(new String(link.written.get(0), StandardCharsets.US_ASCII)).isEqualTo("ABCDefgh!");
        assertThat(new String(link.written.get(1), StandardCharsets.US_ASCII)).isEqualTo("next");
        for (ByteBuffer p : parts) {
            assertThat(p.hasRemaining()).as("each part is consumed, as a plain write consumes its buffer").isFalse();
        }
        assertThat(offset.position()).isEqualTo(6);
        assertThat(direct.position()).as("a read-only view was consumed, its source was not").isZero();
    }

    @Test
    void noPartsIsOneEmptyMessage() {
        ScriptedLink link = new ScriptedLink(true, 512);
        link.write(new ByteBuffer[0], T);
        assertThat(link.written).hasSize(1);
        assertThat(link.written.get(0)).isEmpty();
    }
}

package dev.lumiaagent.transport;

import java.util.Objects;

/**
 * How to open a device's protocol channel.
 *
 * @param zlp OUT termination rule
 * @param interfaceNumber the interface to claim, or -1 for the personality's default / first vendor bulk pair
 */
public record LinkOptions(ZlpPolicy zlp, int interfaceNumber) {
    public LinkOptions {
        Objects.requireNonNull(zlp, "zlp");
        if (interfaceNumber < -1 || interfaceNumber > 255) {
            throw new IllegalArgumentException("interface number out of range: " + interfaceNumber);
        }
    }

    public static LinkOptions defaults() {
        return new LinkOptions(ZlpPolicy.TERMINATE_OUT, -1);
    }

    public LinkOptions withZlp(ZlpPolicy policy) {
        return new LinkOptions(policy, interfaceNumber);
    }

    public LinkOptions withInterface(int number) {
        return new LinkOptions(zlp, number);
    }
}

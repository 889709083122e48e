package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.Bytes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code NOKV} info-query reply (lumia-protocols.md §3.3): {@code NOKV}, byte 4 ({@code reserved},
 * 0 in both real traces), app type, protocol and app versions, then the sub-blocks in the order sent.
 * Typed accessors read the sub-blocks; absent ones are empty, never guessed.
 */
public record NokvReply(int reserved, NokApp app, int protocolMajor, int protocolMinor, int appMajor, int appMinor,
                        List<NokvBlock> blocks) implements NokReply {
    public NokvReply {
        Objects.requireNonNull(app, "app");
        for (int v : new int[] {reserved, protocolMajor, protocolMinor, appMajor, appMinor}) {
            if (v < 0 || v > 0xFF) {
                throw new IllegalArgumentException("NOKV header fields are bytes: " + v);
            }
        }
        blocks = List.copyOf(blocks);
        if (blocks.size() > 0xFF) {
            throw new IllegalArgumentException("NOKV carries at most 255 sub-blocks: " + blocks.size());
        }
        for (NokvBlock b : blocks) {
            if (b instanceof NokvBlock.SdCardSectors && app != NokApp.FLASH_APP
                    || b instanceof NokvBlock.FlashAppVersion && app != NokApp.BOOT_MANAGER) {
                throw new IllegalArgumentException("sub-block 0x04 means " + b.getClass().getSimpleName()
                        + " only in another app's reply, not " + app.traceName() + "'s");
            }
        }
    }

    public String signature() {
        return "NOKV";
    }

    public Optional<NokvBlock> block(int id) {
        return blocks.stream().filter(b -> b.id() == id).findFirst();
    }

    private <T extends NokvBlock> Optional<T> typed(Class<T> type) {
        return blocks.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public OptionalLong transferSize() {
        return typed(NokvBlock.TransferSize.class).map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    public OptionalLong writeBufferSize() {
        return typed(NokvBlock.WriteBufferSize.class).map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    public OptionalLong emmcSectors() {
        return typed(NokvBlock.EmmcSectors.class).map(b -> OptionalLong.of(b.sectors())).orElse(OptionalLong.empty());
    }

    /** Flash app only (sub-block 0x04). */
    public OptionalLong sdCardSectors() {
        return typed(NokvBlock.SdCardSectors.class).map(b -> OptionalLong.of(b.sectors())).orElse(OptionalLong.empty());
    }

    /** Boot manager only (sub-block 0x04): the versions of the flash app it would start. */
    public Optional<NokvBlock.FlashAppVersion> flashAppVersion() {
        return typed(NokvBlock.FlashAppVersion.class);
    }

    /** Sub-block 0x05 as text, also when its padding kept it a raw block (e.g. space padding). */
    public Optional<String> platformId() {
        Optional<NokvBlock.PlatformId> typed = typed(NokvBlock.PlatformId.class);
        if (typed.isPresent()) {
            return Optional.of(typed.get().value());
        }
        return block(NokvBlock.PLATFORM_ID).map(b -> Bytes.ascii(b.payload(), 0, b.payload().length))
                .filter(s -> !s.isEmpty());
    }

    public Optional<NokvBlock.AsyncSupport> asyncSupport() {
        return typed(NokvBlock.AsyncSupport.class);
    }

    public Optional<NokvBlock.Security> security() {
        return typed(NokvBlock.Security.class);
    }

    public Optional<NokvBlock.SecureFfuProtocols> secureFfuProtocols() {
        return typed(NokvBlock.SecureFfuProtocols.class);
    }

    public Optional<NokvBlock.MmosOverUsb> mmosOverUsb() {
        return typed(NokvBlock.MmosOverUsb.class);
    }

    /**
     * The flash app's protocol major: this reply's own in a flash app, sub-block 0x04 in the boot
     * manager; empty in the phone-info app. Major &lt; 2 is "Spec A", ≥ 2 "Spec B" (§3.3).
     */
    public OptionalInt flashAppProtocolMajor() {
        if (app == NokApp.FLASH_APP) {
            return OptionalInt.of(protocolMajor);
        }
        return flashAppVersion().map(v -> OptionalInt.of(v.protocolMajor())).orElse(OptionalInt.empty());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NOKV ").append(app.traceName()).append(" protocol ").append(protocolMajor)
                .append('.').append(protocolMinor).append(" app ").append(appMajor).append('.').append(appMinor);
        if (reserved != 0) {
            s.append(" byte4=").append(reserved);
        }
        s.append(' ').append(blocks);
        return s.toString();
    }
}

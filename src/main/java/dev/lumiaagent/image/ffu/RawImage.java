package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/** Raw-disk reconstruction from an FFU (ffu-format §4.1). */
public final class RawImage {

    /**
     * The smallest disk, in blocks, that holds every DISK_BEGIN write and every DISK_END write, and
     * the manifest's MinSectorCount × SectorSize. No header holds the real size: use the target's.
     */
    public static long minimumDiskBlocks(FfuImage image) {
        long bs = image.blockSize();
        long min = 0;
        if (image.manifest().minSectorCount().isPresent() && image.manifest().sectorSize().isPresent()) {
            long bytes = image.manifest().minSectorCount().getAsLong() * image.manifest().sectorSize().getAsLong();
            min = (bytes + bs - 1) / bs;
        }
        for (WriteDescriptor d : image.descriptors()) {
            for (DiskLocation l : d.locations()) {
                min = Math.max(min, l.blockIndex() + d.blockCount());
            }
        }
        return min;
    }

    /**
     * Streams the disk an FFU describes into {@code sink}: every block to every location of its
     * descriptor, in file order, later writes winning. Checks hashes when asked.
     *
     * @throws FfuFormatException when the payload is short, a location is off the disk, or a hash differs
     */
    public static void reconstruct(SeekableByteChannel ch, FfuImage image, long diskBlocks, BlockSink sink, boolean checkHashes,
            FfuProgress progress) throws IOException {
        PayloadPlacer placer = new PayloadPlacer(image, diskBlocks, sink, checkHashes);
        PayloadReader reader = PayloadReader.pieces(ch, image, image.blockSize() * 8);
        long total = image.payloadSize();
        while (reader.hasNext()) {
            PayloadPiece p = reader.next();
            PayloadPlacer.Status s = placer.accept(p.data());
            if (s != PayloadPlacer.Status.NEED_MORE && s != PayloadPlacer.Status.COMPLETE) {
                throw new FfuFormatException(p.fileOffset(), "payload", s.name(), placer.problem().orElse(s.name()));
            }
            progress.progress((p.payloadBlock() + p.blocks()) * image.blockSize(), total);
        }
    }

    private RawImage() {
    }
}

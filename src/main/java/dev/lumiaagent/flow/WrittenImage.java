package dev.lumiaagent.flow;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an emergency write put on the phone's storage: the sector ranges in the order they were written and the
 * SHA-256 of the bytes sent into them, taken while the write streamed (the image is never held in memory). The
 * VerifyImage step reads the same ranges back through Firehose {@code <read>} (edl-protocol.md §3.4, §3.5) in the
 * same order into a {@link SectorDigest}, so equal digests mean the storage holds what was sent.
 *
 * <p>Sectors a rawprogram set's patches change after the write ({@code leftOut}) are in neither digest: they
 * hold the patched bytes, not the written ones. A range written twice would make the first write's bytes stale
 * in the digest: that is noted ({@link #overlaps()}) and the comparison is not made.
 */
final class WrittenImage {
    /** One range written: {@code sectors} sectors of {@code sectorSize} from {@code startSector} of LUN {@code partition}. */
    record Range(int partition, int sectorSize, long startSector, long sectors) {
        long bytes() {
            return sectors * sectorSize;
        }

        long end() {
            return startSector + sectors;
        }

        @Override
        public String toString() {
            return (partition == 0 ? "" : "LUN " + partition + " ") + "sectors " + startSector + "-" + (end() - 1);
        }
    }

    /** A sector a patch changes after the write. */
    record Sector(int partition, long sector) {
    }

    private final List<Range> ranges = new ArrayList<>();
    /** Per LUN, what is covered so far: start → end (exclusive), merged, to notice a range written twice. */
    private final Map<Integer, TreeMap<Long, Long>> covered = new java.util.HashMap<>();
    private final Map<Integer, NavigableSet<Long>> leftOut = new java.util.HashMap<>();
    private final SectorDigest written;
    private long bytes;
    private long leftOutWritten;
    private boolean overlaps;

    WrittenImage(java.util.Collection<Sector> leftOutSectors) {
        for (Sector s : leftOutSectors) {
            leftOut.computeIfAbsent(s.partition(), k -> new TreeSet<>()).add(s.sector());
        }
        this.written = new SectorDigest(leftOut);
    }

    WrittenImage() {
        this(List.of());
    }

    /** A range was written (the programmer ACKed it); its bytes went into {@link #digest()} meanwhile. */
    void add(Range r) {
        TreeMap<Long, Long> c = covered.computeIfAbsent(r.partition(), k -> new TreeMap<>());
        Map.Entry<Long, Long> below = c.floorEntry(r.startSector());
        Map.Entry<Long, Long> above = c.ceilingEntry(r.startSector());
        if (below != null && below.getValue() > r.startSector() || above != null && above.getKey() < r.end()) {
            overlaps = true;
        }
        c.merge(r.startSector(), r.end(), Math::max);
        NavigableSet<Long> out = leftOut.get(r.partition());
        if (out != null) {
            leftOutWritten += out.subSet(r.startSector(), true, r.end(), false).size();
        }
        bytes += r.bytes();
        Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last.partition() == r.partition() && last.sectorSize() == r.sectorSize() && last.end() == r.startSector()) {
            ranges.set(ranges.size() - 1, new Range(r.partition(), r.sectorSize(), last.startSector(), last.sectors() + r.sectors()));
        } else {
            ranges.add(r);
        }
    }

    /** Where the written bytes are hashed, with their place on the disk. */
    SectorDigest digest() {
        return written;
    }

    /** A digest for reading back, leaving out the same sectors. */
    SectorDigest readDigest() {
        return new SectorDigest(leftOut);
    }

    /** The ranges written, contiguous ones merged, in write order. */
    List<Range> ranges() {
        return List.copyOf(ranges);
    }

    long bytes() {
        return bytes;
    }

    /** Written sectors a patch changed afterwards: in neither digest. */
    long leftOutSectors() {
        return leftOutWritten;
    }

    boolean overlaps() {
        return overlaps;
    }

    /** The first few ranges and how many more, for a detail line. */
    String describeRanges() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(3, ranges.size()); i++) {
            s.append(i == 0 ? "" : ", ").append(ranges.get(i));
        }
        if (ranges.size() > 3) {
            s.append(" and ").append(ranges.size() - 3).append(" more");
        }
        return s.toString();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** SHA-256 of disk bytes fed in order with their place on the disk, leaving out the given sectors. */
    static final class SectorDigest {
        private final MessageDigest md;
        private final Map<Integer, NavigableSet<Long>> leftOut;
        private long fed;

        SectorDigest(Map<Integer, NavigableSet<Long>> leftOut) {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.leftOut = leftOut;
        }

        /** The bytes remaining in {@code data}, which sit at {@code diskByteOffset} of LUN {@code partition}; consumes them. */
        void update(int partition, int sectorSize, long diskByteOffset, ByteBuffer data) {
            NavigableSet<Long> out = leftOut.get(partition);
            long end = diskByteOffset + data.remaining();
            fed += data.remaining();
            if (out == null || out.subSet(diskByteOffset / sectorSize, true, (end + sectorSize - 1) / sectorSize, false).isEmpty()) {
                md.update(data);
                return;
            }
            long at = diskByteOffset;
            while (data.hasRemaining()) {
                long sector = at / sectorSize;
                int n = (int) Math.min(data.remaining(), (sector + 1) * sectorSize - at);
                ByteBuffer piece = data.slice();
                piece.limit(n);
                if (!out.contains(sector)) {
                    md.update(piece);
                }
                data.position(data.position() + n);
                at += n;
            }
        }

        /** {@code count} zero bytes at {@code diskByteOffset}: the padding of a last, partly filled sector (§3.5). */
        void zeros(int partition, int sectorSize, long diskByteOffset, long count) {
            ByteBuffer z = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
            long at = diskByteOffset;
            long left = count;
            while (left > 0) {
                int n = (int) Math.min(left, z.capacity());
                z.clear().limit(n);
                update(partition, sectorSize, at, z);
                at += n;
                left -= n;
            }
        }

        /** Bytes fed so far (left-out sectors included). */
        long fed() {
            return fed;
        }

        String hex() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) md.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A file channel that hashes what the Firehose session reads from it for one {@code <program>}, with each byte's
     * place on the disk. Seekable so the session still checks the file holds enough before it sends the command.
     */
    static final class HashingSource implements SeekableByteChannel {
        private final SeekableByteChannel file;
        private final SectorDigest digest;
        private final int partition;
        private final int sectorSize;
        private long diskOffset;
        private long read;

        HashingSource(SeekableByteChannel file, SectorDigest digest, int partition, int sectorSize, long diskOffset) {
            this.file = file;
            this.digest = digest;
            this.partition = partition;
            this.sectorSize = sectorSize;
            this.diskOffset = diskOffset;
        }

        @Override
        public int read(ByteBuffer dst) throws java.io.IOException {
            int from = dst.position();
            int n = file.read(dst);
            if (n > 0) {
                ByteBuffer got = dst.duplicate();
                got.position(from).limit(from + n);
                digest.update(partition, sectorSize, diskOffset, got);
                diskOffset += n;
                read += n;
            }
            return n;
        }

        /** Bytes the session took from the file. */
        long read() {
            return read;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() throws java.io.IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            throw new UnsupportedOperationException("a hashing source is read in order");
        }

        @Override
        public long size() throws java.io.IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() {
            // the caller closes the file
        }
    }
}

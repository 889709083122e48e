package dev.lumiaagent.flow;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an emergency write put on the phone's storage, for the VerifyImage step: every piece sent (an FFU block to
 * one of its locations, a rawprogram entry's file) with the SHA-256 of its bytes, taken while the write streamed
 * (the image is never held in memory).
 *
 * <p>An FFU writes some blocks more than once, later writes winning (ffu-format.md: block 0 is written zeroed
 * first and for real last, so an interrupted flash does not boot): a piece sent again to the same place replaces
 * the earlier one, so what is kept is what the storage should hold. The read-back ({@link ReadBack}) reads the
 * pieces' ranges in disk order through Firehose {@code <read>} (edl-protocol.md §3.4, §3.5) and compares each
 * piece's SHA-256 with the one taken as it was sent; when all are equal, the SHA-256 of everything read is the
 * written image's (what the storage should hold, in disk order).
 *
 * <p>Sectors a rawprogram set's patches change after the write ({@code leftOut}) are in no digest: they hold the
 * patched bytes, not the written ones. A piece that partly overlaps an earlier one (not the same place and
 * length) makes the comparison impossible here: {@link #notComparable()} says so.
 */
final class WrittenImage {
    /** A range to read: {@code sectors} sectors of {@code sectorSize} from {@code startSector} of LUN {@code partition}. */
    record Range(int partition, int sectorSize, long startSector, long sectors) {
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

    /** One piece as it was sent: where, how many bytes (whole sectors, padding included), the SHA-256 of them. */
    record Piece(int partition, int sectorSize, long offset, long length, String sha256) {
        long end() {
            return offset + length;
        }
    }

    private final Map<Integer, NavigableSet<Long>> leftOut = new HashMap<>();
    /** Per LUN, by disk byte offset: the pieces that stand (a later piece to the same place replaced the earlier). */
    private final Map<Integer, TreeMap<Long, Piece>> pieces = new TreeMap<>();
    private long sent;
    private long replaced;
    private String notComparable;

    WrittenImage(java.util.Collection<Sector> leftOutSectors) {
        for (Sector s : leftOutSectors) {
            leftOut.computeIfAbsent(s.partition(), k -> new TreeSet<>()).add(s.sector());
        }
    }

    WrittenImage() {
        this(List.of());
    }

    /** A piece about to be sent from {@code diskByteOffset}: feed it its bytes, then {@link PieceDigest#finish}. */
    PieceDigest piece(int partition, int sectorSize, long diskByteOffset) {
        return new PieceDigest(partition, sectorSize, diskByteOffset);
    }

    /** A whole piece at once (an FFU block to one location); consumes nothing of {@code data}. */
    void sent(int partition, int sectorSize, long diskByteOffset, ByteBuffer data) {
        PieceDigest p = piece(partition, sectorSize, diskByteOffset);
        p.update(data.duplicate());
        p.finish(data.remaining());
    }

    private void add(Piece p) {
        sent += p.length();
        TreeMap<Long, Piece> lun = pieces.computeIfAbsent(p.partition(), k -> new TreeMap<>());
        Piece same = lun.get(p.offset());
        if (same != null && same.length() == p.length()) {
            lun.put(p.offset(), p); // later writes win
            replaced++;
            return;
        }
        Map.Entry<Long, Piece> below = lun.floorEntry(p.offset());
        Map.Entry<Long, Piece> above = lun.ceilingEntry(p.offset());
        if (below != null && below.getValue().end() > p.offset() || above != null && above.getKey() < p.end()) {
            if (notComparable == null) {
                notComparable = "a piece written to bytes " + p.offset() + "-" + (p.end() - 1) + (p.partition() == 0 ? "" : " of LUN "
                        + p.partition()) + " partly overlaps an earlier one, so what the storage should hold there is not known here";
            }
        }
        lun.put(p.offset(), p);
    }

    /** Why the read-back cannot be compared, or null. */
    String notComparable() {
        return notComparable;
    }

    void notComparable(String why) {
        if (notComparable == null) {
            notComparable = why;
        }
    }

    /** The ranges that stand, contiguous ones merged, in disk order: what the read-back reads. */
    List<Range> ranges() {
        List<Range> out = new ArrayList<>();
        for (TreeMap<Long, Piece> lun : pieces.values()) {
            for (Piece p : lun.values()) {
                Range last = out.isEmpty() ? null : out.get(out.size() - 1);
                long start = p.offset() / p.sectorSize();
                long sectors = p.length() / p.sectorSize();
                if (last != null && last.partition() == p.partition() && last.sectorSize() == p.sectorSize() && last.end() == start) {
                    out.set(out.size() - 1, new Range(last.partition(), last.sectorSize(), last.startSector(), last.sectors() + sectors));
                } else {
                    out.add(new Range(p.partition(), p.sectorSize(), start, sectors));
                }
            }
        }
        return out;
    }

    /** Bytes the storage should hold from this write (a place written twice counted once). */
    long bytes() {
        long n = 0;
        for (TreeMap<Long, Piece> lun : pieces.values()) {
            for (Piece p : lun.values()) {
                n += p.length();
            }
        }
        return n;
    }

    /** Bytes sent, places written twice counted twice. */
    long bytesSent() {
        return sent;
    }

    /** Pieces a later piece to the same place replaced. */
    long replaced() {
        return replaced;
    }

    /** Written sectors a patch changed afterwards: in no digest. */
    long leftOutSectors() {
        long n = 0;
        for (Map.Entry<Integer, NavigableSet<Long>> e : leftOut.entrySet()) {
            for (Piece p : pieces.getOrDefault(e.getKey(), new TreeMap<>()).values()) {
                n += e.getValue().subSet(p.offset() / p.sectorSize(), true, p.end() / p.sectorSize(), false).size();
            }
        }
        return n;
    }

    /** The first few ranges and how many more, for a detail line. */
    String describeRanges() {
        List<Range> r = ranges();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(3, r.size()); i++) {
            s.append(i == 0 ? "" : ", ").append(r.get(i));
        }
        if (r.size() > 3) {
            s.append(" and ").append(r.size() - 3).append(" more");
        }
        return s.toString();
    }

    /** "2.6 MiB", or "17 KiB" under a MiB. */
    static String mib(long bytes) {
        return bytes < 1 << 20 ? ((bytes + 1023) >> 10) + " KiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feeds {@code md} the bytes of {@code data} that sit at {@code diskByteOffset}, leaving out {@code out}'s sectors; consumes them. */
    private static void update(MessageDigest md, NavigableSet<Long> out, int sectorSize, long diskByteOffset, ByteBuffer data) {
        long end = diskByteOffset + data.remaining();
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

    /** The SHA-256 of one piece, fed as the Firehose session takes its bytes. */
    final class PieceDigest {
        private final MessageDigest md = newSha256();
        private final int partition;
        private final int sectorSize;
        private final long offset;
        private long fed;

        private PieceDigest(int partition, int sectorSize, long offset) {
            this.partition = partition;
            this.sectorSize = sectorSize;
            this.offset = offset;
        }

        /** The next bytes of the piece; consumes them. */
        void update(ByteBuffer data) {
            int n = data.remaining();
            WrittenImage.update(md, leftOut.get(partition), sectorSize, offset + fed, data);
            fed += n;
        }

        long fed() {
            return fed;
        }

        /**
         * The piece was sent: {@code length} bytes, rounded up to whole sectors; what was not fed is the zero padding
         * the session sent for a last partial sector or a short file (edl-protocol.md §3.5).
         */
        void finish(long length) {
            long whole = (length + sectorSize - 1) / sectorSize * sectorSize;
            ByteBuffer z = ByteBuffer.allocate((int) Math.min(Math.max(0, whole - fed), 1 << 16));
            while (fed < whole) {
                z.clear().limit((int) Math.min(z.capacity(), whole - fed));
                update(z);
            }
            add(new Piece(partition, sectorSize, offset, whole, HexFormat.of().formatHex(md.digest())));
        }
    }

    /** Reading the written ranges back: each piece's SHA-256 against the one taken as it was sent, and the whole's. */
    final class ReadBack {
        private final List<Piece> order = new ArrayList<>();
        private final MessageDigest whole = newSha256();
        private int at;
        private MessageDigest current;
        private long inPiece;
        private long read;
        private long differing;
        private String firstDifference;

        ReadBack() {
            for (TreeMap<Long, Piece> lun : pieces.values()) {
                order.addAll(lun.values());
            }
        }

        /** A sink for the bytes of one {@code <read>} starting at {@code startSector}; they must come in {@link #ranges()} order. */
        WritableByteChannel sink(int partition, int sectorSize, long startSector) {
            long[] disk = {startSector * sectorSize};
            return new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) {
                    int n = src.remaining();
                    accept(partition, disk[0], src);
                    disk[0] += n;
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }

        private void accept(int partition, long diskOffset, ByteBuffer src) {
            long offset = diskOffset;
            while (src.hasRemaining()) {
                if (at >= order.size()) {
                    throw new IllegalStateException("read back more than was written");
                }
                Piece p = order.get(at);
                if (p.partition() != partition || p.offset() + inPiece != offset) {
                    throw new IllegalStateException("read back out of order at byte " + offset + "; expected " + (p.offset() + inPiece));
                }
                if (current == null) {
                    current = newSha256();
                }
                int n = (int) Math.min(src.remaining(), p.length() - inPiece);
                ByteBuffer slice = src.slice();
                slice.limit(n);
                NavigableSet<Long> out = leftOut.get(partition);
                WrittenImage.update(whole, out, p.sectorSize(), offset, slice.duplicate());
                WrittenImage.update(current, out, p.sectorSize(), offset, slice);
                src.position(src.position() + n);
                offset += n;
                inPiece += n;
                read += n;
                if (inPiece == p.length()) {
                    String got = HexFormat.of().formatHex(current.digest());
                    if (!got.equals(p.sha256())) {
                        differing++;
                        if (firstDifference == null) {
                            firstDifference = "sectors " + p.offset() / p.sectorSize() + "-" + (p.end() / p.sectorSize() - 1)
                                    + (p.partition() == 0 ? "" : " of LUN " + p.partition()) + ": SHA-256 " + got + " read, "
                                    + p.sha256() + " written";
                        }
                    }
                    current = null;
                    inPiece = 0;
                    at++;
                }
            }
        }

        long read() {
            return read;
        }

        int pieces() {
            return order.size();
        }

        /** Every piece was read back whole. */
        boolean complete() {
            return at == order.size();
        }

        long differing() {
            return differing;
        }

        /** The first piece that read back differently, with both SHA-256s; null if none. */
        String firstDifference() {
            return firstDifference;
        }

        /** The SHA-256 of everything read, in disk order (left-out sectors skipped). */
        String sha256() {
            return HexFormat.of().formatHex(whole.digest());
        }
    }

    ReadBack readBack() {
        return new ReadBack();
    }

    /**
     * A file channel that feeds a piece's digest with what the Firehose session reads from it for one
     * {@code <program>}. Seekable so the session still checks the file holds enough before it sends the command.
     */
    static final class HashingSource implements SeekableByteChannel {
        private final SeekableByteChannel file;
        private final PieceDigest digest;

        HashingSource(SeekableByteChannel file, PieceDigest digest) {
            this.file = file;
            this.digest = digest;
        }

        @Override
        public int read(ByteBuffer dst) throws java.io.IOException {
            int from = dst.position();
            int n = file.read(dst);
            if (n > 0) {
                ByteBuffer got = dst.duplicate();
                got.position(from).limit(from + n);
                digest.update(got);
            }
            return n;
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

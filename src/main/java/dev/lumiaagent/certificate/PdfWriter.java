package dev.lumiaagent.certificate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * A small flowing layout on PDFBox for the certificate and the batch summary: A4 pages, the Standard 14 font
 * Helvetica (nothing embedded, so every PDF reader has it), labelled rows and tables whose cells wrap, new pages as
 * needed. Text the font's WinAnsi encoding cannot show is replaced ({@link #showable}), never a crash. The document is
 * deterministic: fixed info dates and a trailer {@code /ID} from the signed JSON's SHA-256, so the same certificate
 * gives the same PDF bytes.
 */
final class PdfWriter implements AutoCloseable {
    static final float MARGIN = 40;
    static final float WIDTH = PDRectangle.A4.getWidth();
    static final float HEIGHT = PDRectangle.A4.getHeight();
    static final float LABEL_WIDTH = 115;
    static final float BODY = 8.5f;
    static final float LEADING = 10.5f;

    final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private final PDDocument doc = new PDDocument();
    private final Map<Integer, Boolean> encodable = new HashMap<>();
    private final String footer;
    private PDPageContentStream cs;
    private float y;
    private int pages;

    PdfWriter(String footer) {
        this.footer = footer;
        newPage();
    }

    /** The first line: alone, large, bold. */
    void status(String text, float[] rgb) throws IOException {
        cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
        line(text, bold, 22, MARGIN, 20);
        cs.setNonStrokingColor(0f, 0f, 0f);
    }

    void title(String text) throws IOException {
        line(text, bold, 16, MARGIN, 16);
    }

    void note(String text) throws IOException {
        for (String l : wrap(text, regular, BODY, WIDTH - 2 * MARGIN)) {
            room(LEADING);
            line(l, regular, BODY, MARGIN, LEADING);
        }
    }

    void section(String name) throws IOException {
        room(LEADING * 3);
        y -= 5;
        line(name, bold, 10.5f, MARGIN, 4);
        cs.setStrokingColor(0.6f, 0.6f, 0.6f);
        cs.setLineWidth(0.5f);
        cs.moveTo(MARGIN, y);
        cs.lineTo(WIDTH - MARGIN, y);
        cs.stroke();
        y -= LEADING;
    }

    /** A labelled row: the label on the left, the value wrapped in the rest of the line. */
    void row(String label, String value) throws IOException {
        if (value == null) {
            return;
        }
        List<String> lines = wrap(value, regular, BODY, WIDTH - 2 * MARGIN - LABEL_WIDTH);
        room(LEADING * Math.min(lines.size(), 3));
        text(label, bold, BODY, MARGIN, y);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                room(LEADING);
            }
            text(lines.get(i), regular, BODY, MARGIN + LABEL_WIDTH, y);
            y -= LEADING;
        }
    }

    /** A table: a bold header, then each row with every cell wrapped in its column. */
    void table(float[] widths, String[] header, List<String[]> rows) throws IOException {
        tableRow(widths, header, bold);
        cs.setStrokingColor(0.8f, 0.8f, 0.8f);
        cs.setLineWidth(0.5f);
        cs.moveTo(MARGIN, y + LEADING - 2);
        cs.lineTo(WIDTH - MARGIN, y + LEADING - 2);
        cs.stroke();
        for (String[] r : rows) {
            tableRow(widths, r, regular);
        }
    }

    private void tableRow(float[] widths, String[] cells, PDType1Font font) throws IOException {
        List<List<String>> wrapped = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> w = wrap(cells[i] == null ? "" : cells[i], font, BODY, widths[i] - 6);
            wrapped.add(w);
            height = Math.max(height, w.size());
        }
        room(LEADING * height);
        for (int l = 0; l < height; l++) {
            float x = MARGIN;
            for (int i = 0; i < cells.length; i++) {
                if (l < wrapped.get(i).size()) {
                    text(wrapped.get(i).get(l), font, BODY, x, y);
                }
                x += widths[i];
            }
            y -= LEADING;
        }
        y -= 1.5f;
    }

    void gap(float points) {
        y -= points;
    }

    /** Finishes the document: info, dates and {@code /ID} fixed, {@code json} embedded as {@code name}; its bytes. */
    byte[] finish(Map<String, String> info, Instant issued, byte[] idSeed, String name, byte[] json) throws IOException {
        cs.close();
        cs = null;
        PDDocumentInformation di = doc.getDocumentInformation();
        di.setTitle(info.get("title"));
        di.setSubject(info.get("subject"));
        di.setAuthor(info.get("author"));
        di.setKeywords(info.get("keywords"));
        di.setCreator(info.get("creator"));
        di.setProducer(info.get("creator"));
        Calendar at = new GregorianCalendar(TimeZone.getTimeZone("UTC"), java.util.Locale.ROOT);
        at.setTimeInMillis(issued.toEpochMilli());
        di.setCreationDate(at);
        di.setModificationDate(at);

        PDEmbeddedFile ef = new PDEmbeddedFile(doc, new ByteArrayInputStream(json));
        ef.setSubtype("application/json");
        ef.setSize(json.length);
        PDComplexFileSpecification fs = new PDComplexFileSpecification();
        fs.setFile(name);
        fs.setFileUnicode(name);
        fs.setEmbeddedFile(ef);
        fs.setEmbeddedFileUnicode(ef);
        fs.setFileDescription("the signed certificate this PDF shows: lumia-agent certificate verify checks it");
        PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
        tree.setNames(Map.of(name, fs));
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
        names.setEmbeddedFiles(tree);
        doc.getDocumentCatalog().setNames(names);

        byte[] id = java.util.Arrays.copyOf(idSeed, 16);
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        doc.getDocument().getTrailer().setItem(COSName.ID, ids);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            if (cs != null) {
                cs.close();
            }
            doc.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with every character the font cannot encode replaced (arrows and quotes by look-alikes, else "?"). */
    String showable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\t' || cp == '\n' || cp == '\r') {
                sb.append(' ');
            } else if (encodable.computeIfAbsent(cp, this::canEncode)) {
                sb.appendCodePoint(cp);
            } else if (cp == 0x2192) {
                sb.append("->");
            } else if (cp == 0x2190) {
                sb.append("<-");
            } else if (cp == 0x2265) {
                sb.append(">=");
            } else if (cp == 0x2264) {
                sb.append("<=");
            } else {
                sb.append('?');
            }
        });
        return sb.toString();
    }

    private boolean canEncode(int cp) {
        if (Character.isISOControl(cp)) {
            return false;
        }
        try {
            regular.encode(new String(Character.toChars(cp)));
            bold.encode(new String(Character.toChars(cp)));
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    float width(String s, PDType1Font font, float size) throws IOException {
        return font.getStringWidth(showable(s)) / 1000f * size;
    }

    /** Words that fit in {@code max} points per line; a word longer than a line (a hash, an id) is cut where it must be. */
    List<String> wrap(String text, PDType1Font font, float size, float max) throws IOException {
        List<String> lines = new ArrayList<>();
        String clean = showable(text);
        StringBuilder line = new StringBuilder();
        for (String word : clean.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (width(candidate, font, size) <= max) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            String rest = word;
            while (width(rest, font, size) > max) {
                int cut = rest.length() - 1;
                while (cut > 1 && width(rest.substring(0, cut), font, size) > max) {
                    cut--;
                }
                lines.add(rest.substring(0, cut));
                rest = rest.substring(cut);
            }
            line.append(rest);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private void line(String s, PDType1Font font, float size, float x, float after) throws IOException {
        text(s, font, size, x, y - size + BODY);
        y -= size - BODY + after;
    }

    private void text(String s, PDType1Font font, float size, float x, float atY) throws IOException {
        cs.beginText();
        cs.setFont(font, size);
        cs.newLineAtOffset(x, atY);
        cs.showText(showable(s));
        cs.endText();
    }

    private void room(float needed) throws IOException {
        if (y - needed < MARGIN + 8) {
            cs.close();
            newPage();
        }
    }

    private void newPage() {
        try {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            pages++;
            y = HEIGHT - MARGIN;
            cs.beginText();
            cs.setFont(regular, 7);
            cs.newLineAtOffset(MARGIN, MARGIN - 16);
            cs.showText(showable(footer + " — page " + pages));
            cs.endText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

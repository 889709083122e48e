package dev.lumiaagent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every document the agent's own words cite (messages, next steps, help: the string literals of src/main)
 * is one a user has: a file of this repository. URLs are left out (they cite other projects).
 */
class CitedDocumentsTest {
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern URL = Pattern.compile("\\b[a-z]+://\\S+");
    /** docs/…, a *.md name, or the internal documents' names (DESIGN, reference/, shared/). */
    private static final Pattern CITED = Pattern.compile(
            "(?<![\\w/.-])((?:[\\w.-]+/)*[\\w.-]+\\.md|docs/[\\w./-]*[\\w/]|DESIGN\\b[^\\s\"]*|reference/[\\w./-]*|shared/[\\w./-]*)");

    @Test
    void everyCitedDocumentIsInTheRepository() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String code = withoutComments(Files.readString(f));
                Matcher lit = LITERAL.matcher(code);
                while (lit.find()) {
                    for (String doc : cited(lit.group(1))) {
                        if (!exists(doc)) {
                            missing.add(f + ": \"" + lit.group(1) + "\" cites " + doc);
                        }
                    }
                }
            }
        }
        assertThat(missing).as("documents cited by the agent's output that are not in the repository").isEmpty();
    }

    /** The scan sees citations in literals, not in comments or URLs, and tells a missing document from a present one. */
    @Test
    void theScanFindsWhatItShould() {
        String src = "/** see DESIGN §2 */\nString a = \"x (lumia-protocols.md §3.7), see docs/performance.md\"; // docs/nope.md\n"
                + "String b = \"https://github.com/x/y/blob/master/README.md and DESIGN §4\";\n";
        Matcher lit = LITERAL.matcher(withoutComments(src));
        List<String> found = new ArrayList<>();
        while (lit.find()) {
            found.addAll(cited(lit.group(1)));
        }
        assertThat(found).containsExactly("lumia-protocols.md", "docs/performance.md", "DESIGN");
        assertThat(found.stream().filter(d -> !exists(d))).containsExactly("lumia-protocols.md", "DESIGN");
    }

    private static List<String> cited(String literal) {
        List<String> docs = new ArrayList<>();
        Matcher m = CITED.matcher(URL.matcher(literal).replaceAll(" "));
        while (m.find()) {
            docs.add(m.group(1));
        }
        return docs;
    }

    private static boolean exists(String doc) {
        String d = doc.replaceAll("[.,;:)]+$", "");
        return Files.exists(Path.of(d)) || Files.exists(Path.of("docs").resolve(d));
    }

    /** The code without its comments: block comments (Javadoc too) and line comments outside string literals. */
    static String withoutComments(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"') { // a literal (a text block's quotes pair up the same way for this purpose)
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != '"' && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(src, i, Math.min(j + 1, src.length()));
                i = j + 1;
            } else if (c == '\'') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != '\'') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(src, i, Math.min(j + 1, src.length()));
                i = j + 1;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? src.length() : end + 2;
                out.append(' ');
            } else if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? src.length() : end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}

package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Comments say why in the repository's own words: the issue tracker and the shared design document live outside
 * the repository, so an issue number or a section of that document cited in a comment points a reader at nothing.
 * A reference to an upstream project's tracker names that project ("fabric8 issue 6366") or is a URL.
 */
class SourceCommentsTest {

    private static final List<String> FOLDERS =
            List.of("src", "cli", "kube-sim", "bench", "jenkins-stubs", "offline", "bin", ".ci");
    /** Scripts without an extension that carry shell comments. */
    private static final Set<String> SCRIPTS = Set.of("bluegreen", "run", "apicheck");

    private static final Pattern ISSUE = Pattern.compile("(?i)(\\S+\\s+)?\\bissues?\\s+#?\\d+");
    private static final Pattern HASH_NUMBER = Pattern.compile("(?<![\\w&/])#\\d+\\b");
    private static final Pattern DESIGN = Pattern.compile("\\bDESIGN\\b|§\\s*\\d|(?i)design section");
    /** Projects whose trackers a comment may cite by number, named before "issue". */
    private static final Set<String> UPSTREAM =
            Set.of("fabric8", "jenkins", "kubernetes", "picocli", "vert.x", "okhttp", "jackson", "spotbugs");

    @Test
    void noCommentCitesAnIssueNumberOrADesignSection() throws IOException {
        Path root = Path.of(System.getProperty("bluegreen.repo.root", "."))
                .toAbsolutePath()
                .normalize();
        List<String> citations = new ArrayList<>();
        int files = 0;
        for (String folder : FOLDERS) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file : walk.filter(Files::isRegularFile)
                        .filter(f -> !isBuildOutput(root, f))
                        .toList()) {
                    List<Comment> comments = commentsOf(file);
                    if (comments == null) {
                        continue;
                    }
                    files++;
                    for (Comment c : comments) {
                        String why = citation(c.text());
                        if (why != null) {
                            citations.add(root.relativize(file) + ":" + c.line() + ": " + why);
                        }
                    }
                }
            }
        }
        assertThat(files).as("source files read").isGreaterThan(100);
        assertThat(citations)
                .as("comments citing an issue or a DESIGN section (say the why itself, or point to docs/)")
                .isEmpty();
    }

    @Test
    void theCheckFindsWhatItIsFor() {
        assertThat(citation("the switch trusts the stamp (issue 4)")).isNotNull();
        assertThat(citation("Issue 5, item 2: whole releases")).isNotNull();
        assertThat(citation("see #12 for the story")).isNotNull();
        assertThat(citation("the invariants of DESIGN §1")).isNotNull();
        assertThat(citation("a figure for the report (§7)")).isNotNull();
        assertThat(citation("the retry after 100 ms (fabric8 issue 6366)")).isNull();
        assertThat(citation("held by jenkins:shop/deploy#42")).isNull();
        assertThat(citation("its PKCS#8 key, a slash as &#47;")).isNull();
        assertThat(citation("designed for callers that cannot block")).isNull();
        assertThat(javaComments("String s = \"// issue 4\"; // why\n/* one\n two */ char c = '\"';\n"))
                .extracting(Comment::text)
                .containsExactly(" why", " one\n two ");
    }

    /** What a comment cites, or null. */
    static String citation(String comment) {
        Matcher issue = ISSUE.matcher(comment);
        while (issue.find()) {
            String before = issue.group(1) == null ? "" : issue.group(1).trim().toLowerCase(java.util.Locale.ROOT);
            if (!UPSTREAM.contains(before.replaceAll("^\\W+", ""))) {
                return issue.group().trim();
            }
        }
        Matcher hash = HASH_NUMBER.matcher(comment);
        if (hash.find()) {
            return hash.group();
        }
        Matcher design = DESIGN.matcher(comment);
        return design.find() ? design.group() : null;
    }

    record Comment(int line, String text) {}

    /** The comments of a file this check reads, or null for a file it does not. */
    private static List<Comment> commentsOf(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".java")) {
            return javaComments(Files.readString(file));
        }
        if (name.endsWith(".xml") || name.endsWith(".jelly")) {
            return xmlComments(Files.readString(file));
        }
        if (name.endsWith(".sh") || SCRIPTS.contains(name)) {
            return shellComments(Files.readString(file));
        }
        return null;
    }

    /** Line and block comments; string, text-block and char literals are skipped. */
    static List<Comment> javaComments(String source) {
        List<Comment> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.add(new Comment(line, source.substring(i + 2, end)));
                i = end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end;
                String text = source.substring(i + 2, end);
                out.add(new Comment(line, text));
                line += (int) text.chars().filter(ch -> ch == '\n').count();
                i = Math.min(n, end + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                line += (int) source.substring(i, end)
                        .chars()
                        .filter(ch -> ch == '\n')
                        .count();
                i = end;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                i++;
            }
        }
        return out;
    }

    private static List<Comment> xmlComments(String source) {
        List<Comment> out = new ArrayList<>();
        Matcher m = Pattern.compile("<!--(.*?)-->", Pattern.DOTALL).matcher(source);
        while (m.find()) {
            int line = 1
                    + (int) source.substring(0, m.start())
                            .chars()
                            .filter(ch -> ch == '\n')
                            .count();
            out.add(new Comment(line, m.group(1)));
        }
        return out;
    }

    /** A {@code #} at the start of a line or after a blank starts a comment (close enough for our scripts). */
    private static List<Comment> shellComments(String source) {
        List<Comment> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = Pattern.compile("(?:^|\\s)#(?!!)(.*)$").matcher(lines[i]);
            if (m.find()) {
                out.add(new Comment(i + 1, m.group(1)));
            }
        }
        return out;
    }

    private static boolean isBuildOutput(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            String p = part.toString();
            if (p.equals("target") || p.equals("node_modules") || p.startsWith(".git")) {
                return true;
            }
        }
        return false;
    }
}

package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.w3c.dom.ProcessingInstruction;
import org.xml.sax.InputSource;

/**
 * What the tests the plugin parent injects into the plugin build (maven-hpi-plugin's InjectedTest) check in every
 * resource, checked here first: each Jelly view parses and escapes by default, each properties file has one value
 * per key in a readable encoding. Help files are served as HTML fragments inside the form: each must be a
 * well-formed fragment. None may run inline JavaScript, which Jenkins' content security policy blocks.
 */
class PluginResourcesTest {

    private static final Path RESOURCES = Path.of(System.getProperty("bluegreen.repo.root", "."))
            .resolve("src/main/resources")
            .toAbsolutePath()
            .normalize();

    static Stream<Path> jellyFiles() throws IOException {
        return files(".jelly");
    }

    static Stream<Path> helpFiles() throws IOException {
        return files(".html").filter(p -> p.getFileName().toString().startsWith("help"));
    }

    static Stream<Path> propertiesFiles() throws IOException {
        return files(".properties");
    }

    @Test
    void theResourcesAreFound() throws IOException {
        // a wrong bluegreen.repo.root would make every check below pass on nothing
        assertThat(jellyFiles()).as("jelly files under %s", RESOURCES).isNotEmpty();
        assertThat(helpFiles()).as("help files under %s", RESOURCES).isNotEmpty();
        assertThat(propertiesFiles()).as("properties files under %s", RESOURCES).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("jellyFiles")
    void jellyEscapesByDefault(Path jelly) throws Exception {
        Document doc = parse(Files.readString(jelly, StandardCharsets.UTF_8), jelly);
        ProcessingInstruction pi = null;
        for (Node n = doc.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof ProcessingInstruction p && p.getTarget().equals("jelly")) {
                pi = p;
            }
        }
        assertThat(pi == null ? "" : pi.getData().replace('"', '\''))
                .as(
                        "%s must start with <?jelly escape-by-default='true'?> (Jenkins' injected test refuses it "
                                + "otherwise, and without it every ${...} is written unescaped)",
                        name(jelly))
                .contains("escape-by-default='true'");
        assertThat(inlineScripts(doc.getDocumentElement()))
                .as("inline JavaScript in %s", name(jelly))
                .isEmpty();
        assertThat(checkUrlsWithoutDependsOn(doc.getDocumentElement()))
                .as("checkUrl without checkDependsOn in %s (the form then evaluates it as script)", name(jelly))
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("helpFiles")
    void helpIsAWellFormedFragment(Path help) throws Exception {
        String html = Files.readString(help, StandardCharsets.UTF_8);
        // Jenkins inserts the file into the page: any number of elements and text, parsed here inside one root
        Document doc = parse("<fragment>" + html + "</fragment>", help);
        assertThat(html.strip()).as("%s is empty", name(help)).isNotEmpty();
        assertThat(inlineScripts(doc.getDocumentElement()))
                .as("inline JavaScript in %s", name(help))
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("propertiesFiles")
    void propertiesHaveOneValuePerKeyInAReadableEncoding(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        boolean utf8 = decodes(bytes, StandardCharsets.UTF_8);
        assertThat(utf8 || decodes(bytes, StandardCharsets.ISO_8859_1))
                .as("%s must be valid UTF-8 or ISO-8859-1", name(file))
                .isTrue();
        List<String> duplicates = new ArrayList<>();
        Properties props = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object key, Object value) {
                Object old = super.put(key, value);
                if (old != null) {
                    duplicates.add(key + " (" + old + " / " + value + ")");
                }
                return old;
            }
        };
        props.load(new StringReader(new String(bytes, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)));
        assertThat(duplicates)
                .as("keys given twice in %s: keep one", name(file))
                .isEmpty();
    }

    private static Stream<Path> files(String suffix) throws IOException {
        if (!Files.isDirectory(RESOURCES)) {
            return Stream.empty();
        }
        try (Stream<Path> walk = Files.walk(RESOURCES)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList().stream();
        }
    }

    private static Document parse(String xml, Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try {
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (org.xml.sax.SAXParseException e) {
            throw new AssertionError(
                    name(file) + " is not well-formed at line " + e.getLineNumber() + ": " + e.getMessage()
                            + " (close every element, quote attributes, write & as &amp;)",
                    e);
        }
    }

    /** Script elements without src, and on* event attributes on plain HTML elements. */
    private static List<String> inlineScripts(Element root) {
        List<String> found = new ArrayList<>();
        NodeList all = root.getElementsByTagName("*");
        for (int i = -1; i < all.getLength(); i++) {
            Element e = i < 0 ? root : (Element) all.item(i);
            boolean html = e.getNamespaceURI() == null;
            if (html
                    && e.getLocalName().equalsIgnoreCase("script")
                    && e.getAttribute("src").isEmpty()
                    && !e.getAttribute("type").equalsIgnoreCase("application/json")) {
                found.add("<script> without src");
            }
            for (int a = 0; a < e.getAttributes().getLength(); a++) {
                String attr = e.getAttributes().item(a).getNodeName();
                if (html && attr.toLowerCase(java.util.Locale.ROOT).startsWith("on")) {
                    found.add(attr + " on <" + e.getLocalName() + ">");
                }
            }
        }
        return found;
    }

    private static List<String> checkUrlsWithoutDependsOn(Element root) {
        List<String> found = new ArrayList<>();
        NodeList all = root.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.hasAttribute("checkUrl") && !e.hasAttribute("checkDependsOn")) {
                found.add("<" + e.getTagName() + ">");
            }
        }
        return found;
    }

    private static boolean decodes(byte[] bytes, Charset charset) {
        try {
            charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String name(Path file) {
        return RESOURCES.relativize(file).toString();
    }
}

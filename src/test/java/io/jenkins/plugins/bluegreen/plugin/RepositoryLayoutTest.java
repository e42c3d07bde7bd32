package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The repository root is a hostable Jenkins plugin: Jenkins' CI (buildPlugin) and the update center read
 * the root pom.xml, so what they need is checked here, where that POM cannot be built.
 */
class RepositoryLayoutTest {

    private static Path root;
    private static Element pom;

    @BeforeAll
    static void readRootPom() throws Exception {
        root = Path.of(System.getProperty("bluegreen.repo.root", "."))
                .toAbsolutePath()
                .normalize();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc =
                factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
        pom = doc.getDocumentElement();
    }

    @Test
    void rootPomIsAPluginOnThePluginParent() {
        Element parent = child(pom, "parent");
        assertThat(text(parent, "groupId")).isEqualTo("org.jenkins-ci.plugins");
        assertThat(text(parent, "artifactId")).isEqualTo("plugin");
        assertThat(text(pom, "artifactId")).isEqualTo("blue-green-deploy");
        assertThat(text(pom, "packaging")).isEqualTo("hpi");
        assertThat(property("jenkins.version")).isEqualTo("2.541.3");
    }

    @Test
    void jenkinsVersionsComeFromTheBomAndTheJenkinsRepository() {
        Element bom = dependencies(child(pom, "dependencyManagement")).stream()
                .filter(d -> text(d, "groupId").equals("io.jenkins.tools.bom"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no io.jenkins.tools.bom in dependencyManagement"));
        assertThat(resolve(text(bom, "artifactId"))).isEqualTo("bom-2.541.x");
        assertThat(text(bom, "scope")).isEqualTo("import");
        assertThat(text(child(child(pom, "repositories"), "repository"), "url"))
                .isEqualTo("https://repo.jenkins-ci.org/public/");
        assertThat(text(child(child(pom, "pluginRepositories"), "pluginRepository"), "url"))
                .isEqualTo("https://repo.jenkins-ci.org/public/");
    }

    @Test
    void thePluginDependsOnNothingOfOursThatIsPublishedNowhere() {
        for (Element dependency : dependencies(pom)) {
            assertThat(text(dependency, "groupId"))
                    .as("dependency %s", text(dependency, "artifactId"))
                    .isNotEqualTo("io.jenkins.plugins.bluegreen");
            if (hasChild(dependency, "version")) {
                assertThat(resolve(text(dependency, "version"))).doesNotEndWith("-SNAPSHOT");
            }
        }
    }

    @Test
    void everyStepLivesInTheRootSources() throws IOException {
        Map<String, Path> symbols = new TreeMap<>();
        for (String folder : List.of("src/main/java", "cli", "kube-sim", "bench", "offline")) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file :
                        walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (Files.readString(file).contains("@Symbol(")) {
                        symbols.put(root.relativize(file).toString(), file);
                    }
                }
            }
        }
        assertThat(symbols.keySet()).as("classes with @Symbol").isNotEmpty().allSatisfy(path -> assertThat(path)
                .startsWith("src/main/java/io/jenkins/plugins/bluegreen/plugin/"));
    }

    @Test
    void whatEveryHostedPluginHas() throws IOException {
        assertThat(text(child(child(pom, "licenses"), "license"), "name")).isEqualTo("MIT License");
        assertThat(Files.readString(root.resolve("LICENSE"))).startsWith("MIT License");
        String jenkinsfile = Files.readString(root.resolve("Jenkinsfile"));
        assertThat(jenkinsfile)
                .contains("buildPlugin(")
                .contains("jdk: 17")
                .contains("jdk: 21")
                .contains("platform: 'linux'")
                .contains("platform: 'windows'");
        assertThat(root.resolve("src/main/resources/index.jelly")).isRegularFile();
        assertThat(root.resolve(".mvn/extensions.xml")).isRegularFile();
        assertThat(root.resolve("Jenkinsfile.example")).isRegularFile();
    }

    private static String property(String name) {
        return resolve(text(child(pom, "properties"), name));
    }

    /** Expands ${...} from the POM's own properties, which is all the root POM uses in these fields. */
    private static String resolve(String value) {
        String out = value;
        for (int i = 0; i < 5 && out.contains("${"); i++) {
            int start = out.indexOf("${");
            int end = out.indexOf('}', start);
            String name = out.substring(start + 2, end);
            out = out.substring(0, start) + text(child(pom, "properties"), name) + out.substring(end + 1);
        }
        return out;
    }

    private static List<Element> dependencies(Element owner) {
        List<Element> out = new ArrayList<>();
        NodeList list = child(owner, "dependencies").getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i) instanceof Element e && e.getTagName().equals("dependency")) {
                out.add(e);
            }
        }
        return out;
    }

    private static boolean hasChild(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("pom.xml: no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }
}

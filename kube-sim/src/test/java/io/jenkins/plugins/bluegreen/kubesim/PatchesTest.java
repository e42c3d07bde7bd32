package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatchesTest {

    private static JsonNode json(String s) {
        return Serialization.unmarshal(s.replace('\'', '"'), JsonNode.class);
    }

    @Test
    void mergePatchFollowsRfc7386() {
        JsonNode out =
                Patches.merge(json("{'a':1,'b':{'c':2,'d':3},'l':[1,2]}"), json("{'b':{'c':null,'e':4},'l':[3]}"));
        assertThat(out).isEqualTo(json("{'a':1,'b':{'d':3,'e':4},'l':[3]}"));
    }

    @Test
    void strategicPatchMergesListsByKeyAndHonoursDirectives() {
        JsonNode target = json("{'spec':{'containers':[{'name':'app','image':'a:1','ports':[{'containerPort':80}]},"
                + "{'name':'side','image':'s:1'}],'finalizers':['x','y'],'tolerations':[{'key':'k'}]}}");
        JsonNode patch = json("{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'side'}],"
                + "'containers':[{'name':'app','image':'a:2'},{'name':'side','$patch':'delete'},{'name':'new','image':'n:1'}],"
                + "'$deleteFromPrimitiveList/finalizers':['x'],'tolerations':[{'key':'z'}]}}");
        JsonNode out = Patches.strategic(target, patch);
        assertThat(out.path("spec").path("containers")).hasSize(2);
        assertThat(out.path("spec").path("containers").get(0).path("image").asText())
                .isEqualTo("a:2");
        assertThat(out.path("spec").path("containers").get(0).path("ports")).hasSize(1);
        assertThat(out.path("spec").path("containers").get(1).path("name").asText())
                .isEqualTo("new");
        assertThat(out.path("spec").path("finalizers")).containsExactly(json("'y'"));
        // lists without a merge key are replaced, as in Kubernetes
        assertThat(out.path("spec").path("tolerations")).containsExactly(json("{'key':'z'}"));
        assertThat(out.path("spec").has("$setElementOrder/containers")).isFalse();
    }

    @Test
    void strategicPatchMergesServicePortsByPortAndDeletesNulls() {
        JsonNode out = Patches.strategic(
                json("{'spec':{'ports':[{'port':80,'nodePort':30080}],'selector':{'a':'1','c':'x'}}}"),
                json("{'spec':{'ports':[{'port':80,'targetPort':8080}],'selector':{'c':null,'color':'green'}}}"));
        assertThat(out.path("spec").path("ports").get(0).path("nodePort").asInt())
                .isEqualTo(30080);
        assertThat(out.path("spec").path("ports").get(0).path("targetPort").asInt())
                .isEqualTo(8080);
        assertThat(Json.mapper().convertValue(out.path("spec").path("selector"), Map.class))
                .isEqualTo(Map.of("a", "1", "color", "green"));
    }

    @Test
    void labelSelectorsSupportEqualityAndSets() {
        Map<String, String> labels = Map.of("app", "web", "color", "blue");
        assertThat(LabelSelector.parse("app=web,color==blue").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app=web,color!=blue").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("color in (green, blue),tier notin (db)").matches(labels))
                .isTrue();
        assertThat(LabelSelector.parse("color in (green)").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app,!tier").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("tier").matches(labels)).isFalse();
        assertThat(LabelSelector.parse(null).matches(labels)).isTrue();
        // a label the object does not have: no match for =, a match for != (and no exception)
        assertThat(LabelSelector.of(Map.of("version", "v1")).matches(labels)).isFalse();
        assertThat(LabelSelector.parse("version!=v1").matches(labels)).isTrue();
    }
}

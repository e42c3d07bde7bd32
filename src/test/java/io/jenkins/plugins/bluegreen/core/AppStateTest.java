package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppStateTest {
    private static final String COLOR = "bluegreen.jenkins.io/color";
    private final BlueGreenSettings settings = BlueGreenSettings.defaults();

    private AppState analyse(Map<String, String> selector, Map<Color, Deployment> deployments) {
        return AppState.analyse("myapp", TestObjects.service("myapp", selector), deployments, settings);
    }

    @Test
    void liveColourComesFromTheSelector() {
        AppState state = analyse(Map.of("app", "myapp", COLOR, "green"), Map.of());

        assertThat(state.liveColor()).isEqualTo(Color.GREEN);
        assertThat(state.idleColor()).isEqualTo(Color.BLUE);
        assertThat(state.stableSelector()).containsOnlyKeys("app");
        assertThat(state.selectorProblem()).isNull();
    }

    @Test
    void withoutColourKeyTheAppIsNotAdoptedAndVersionKeysLeaveTheStableSelector() {
        AppState state = analyse(Map.of("app", "myapp", "version", "v1", "app.kubernetes.io/version", "1"), Map.of());

        assertThat(state.liveColor()).isNull();
        assertThat(state.stableSelector()).containsOnlyKeys("app");
        assertThat(state.selectorProblem()).isNull();
    }

    @Test
    void emptySelectorIsRefused() {
        assertThat(((InvalidInputException) analyse(Map.of(), Map.of()).selectorProblem()).field())
                .isEqualTo("service.selector");
    }

    @Test
    void colourKeyWithAnotherValueSelectsNoColour() {
        assertThat(analyse(Map.of("app", "myapp", COLOR, "red"), Map.of())
                        .selectorProblem()
                        .getMessage())
                .contains("neither colour");
    }

    @Test
    void colourOnlySelectorWouldSelectEveryApp() {
        assertThat(analyse(Map.of(COLOR, "blue"), Map.of()).selectorProblem().getMessage())
                .contains("only by colour");
    }

    @Test
    void versionOnlySelectorIsRefused() {
        assertThat(((InvalidInputException)
                                analyse(Map.of("version", "v1"), Map.of()).selectorProblem())
                        .field())
                .isEqualTo("service.selector");
    }

    @Test
    void selectorWithoutColourThatMatchesBothColourDeploymentsIsALostKeyANamedSwitchRepairs() {
        Map<Color, Deployment> both = new EnumMap<>(Color.class);
        both.put(Color.BLUE, TestObjects.deployment("myapp-blue", Map.of("app", "myapp", COLOR, "blue"), 1, "i"));
        both.put(Color.GREEN, TestObjects.deployment("myapp-green", Map.of("app", "myapp", COLOR, "green"), 1, "i"));

        assertThat(analyse(Map.of("app", "myapp"), both).selectorProblem())
                .isInstanceOf(ColourKeyLostException.class)
                .hasMessageContaining("both colours")
                .hasMessageContaining("bluegreen switch --app myapp --to blue");
    }
}

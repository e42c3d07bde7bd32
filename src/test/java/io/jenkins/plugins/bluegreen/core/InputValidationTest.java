package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InputValidationTest {
    private final BlueGreenSettings settings = BlueGreenSettings.defaults();

    @Test
    void appMustBeADns1123LabelShortEnoughForItsColourDeployments() {
        assertThatCode(() -> InputValidation.app("my-app-2", settings)).doesNotThrowAnyException();
        for (String bad : new String[] {null, "", "MyApp", "my_app", "-app", "app-", "a.b"}) {
            assertField(() -> InputValidation.app(bad, settings), "app");
        }
        assertField(() -> InputValidation.app("a".repeat(58), settings), "app"); // a...a-green = 64
        assertThatCode(() -> InputValidation.app("a".repeat(52), settings)).doesNotThrowAnyException();
    }

    @Test
    void timeoutMustBePositive() {
        assertField(() -> InputValidation.timeout(Duration.ZERO), "timeout");
        assertField(() -> InputValidation.timeout(Duration.ofSeconds(-1)), "timeout");
        assertField(() -> InputValidation.timeout(null), "timeout");
    }

    @Test
    void replicasMustNotBeNegative() {
        assertField(() -> InputValidation.replicas(-1), "replicas");
        assertThatCode(() -> InputValidation.replicas(0)).doesNotThrowAnyException();
    }

    @Test
    void imageMustBeOneNonEmptyReference() {
        assertField(() -> InputValidation.image(" "), "image");
        assertField(() -> InputValidation.image("a b"), "image");
    }

    @Test
    void holderIsRequired() {
        assertField(() -> InputValidation.holder(""), "holder");
    }

    @Test
    void approverWithABidiOverrideOrAnotherFormatCharacterIsRefused() {
        assertField(() -> InputValidation.approvedBy("approvedBy", "eve\u202Eecila"), "approvedBy");
        assertField(() -> InputValidation.approvedBy("approvedBy", "al\u200Bice"), "approvedBy");
        assertThatThrownBy(() -> InputValidation.approvedBy("approvedBy", "eve\u202Eecila"))
                .hasMessageContaining("U+202E");
        assertThatCode(() -> InputValidation.approvedBy("approvedBy", "Zoë Ångström"))
                .doesNotThrowAnyException();
    }

    @Test
    void settingsRefuseNonsense() {
        assertField(() -> settings.toBuilder().deploymentNamePattern("{app}").build(), "deploymentNamePattern");
        assertField(
                () -> settings.toBuilder()
                        .scaleDownDelay(Duration.ofSeconds(-1))
                        .build(),
                "scaleDownDelay");
        assertField(() -> settings.toBuilder().historyLimit(0).build(), "historyLimit");
    }

    @Test
    void colorParsesBothSpellingsOnly() {
        org.assertj.core.api.Assertions.assertThat(Color.parse("Green")).isEqualTo(Color.GREEN);
        assertField(() -> Color.parse("purple"), "color");
    }

    static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> org.assertj.core.api.Assertions.assertThat(e.field())
                                .isEqualTo(field));
    }
}

package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HolderIdentityTest {

    @Test
    void environmentOverrideWins() {
        assertThat(HolderIdentity.of(Map.of("BLUEGREEN_HOLDER", "https://ci/job/shop/42/", "USER", "ann")))
                .isEqualTo("https://ci/job/shop/42/");
    }

    @Test
    void otherwiseNamesUserAndHost() {
        assertThat(HolderIdentity.of(Map.of("USER", "ann")))
                .startsWith("cli:ann@")
                .doesNotEndWith("@");
        assertThat(HolderIdentity.of(Map.of("BLUEGREEN_HOLDER", "  ", "USERNAME", "bob")))
                .startsWith("cli:bob@");
    }

    @Test
    void eachDeployIsItsOwnHolderUnlessTheHolderIsSharedOnPurpose() {
        Map<String, String> person = Map.of("USER", "ann");
        String session = HolderIdentity.of(person);
        String one = HolderIdentity.invocation(person);
        String two = HolderIdentity.invocation(person);
        assertThat(one).startsWith(session + ":").isNotEqualTo(two);
        assertThat(HolderIdentity.ofSession(one, person)).isTrue();
        assertThat(HolderIdentity.ofSession(session, person)).isTrue();
        assertThat(HolderIdentity.ofSession("cli:bob@elsewhere:1", person)).isFalse();

        Map<String, String> pipeline = Map.of("BLUEGREEN_HOLDER", "https://ci/job/shop/42/", "USER", "ann");
        assertThat(HolderIdentity.invocation(pipeline)).isEqualTo("https://ci/job/shop/42/");
    }
}

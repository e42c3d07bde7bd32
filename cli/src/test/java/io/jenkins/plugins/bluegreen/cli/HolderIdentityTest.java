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
        assertThat(HolderIdentity.of(Map.of("USER", "ann"))).startsWith("cli:ann@").doesNotEndWith("@");
        assertThat(HolderIdentity.of(Map.of("BLUEGREEN_HOLDER", "  ", "USERNAME", "bob"))).startsWith("cli:bob@");
    }
}

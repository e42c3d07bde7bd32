package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A step without credentialsId that points serverUrl somewhere never sends the controller's token there: a loopback
 * socket stands in for the attacker's server and must see no connection at all.
 */
class ControllerIdentityTest {
    private static final String CONTROLLER_TOKEN = "controller-own-token-31c4";

    private ServerSocketChannel attacker;
    private final AtomicInteger controllerConfigReads = new AtomicInteger();
    private BlueGreenRuntime runtime;

    @BeforeEach
    void listen() throws Exception {
        attacker = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        attacker.configureBlocking(false);
    }

    private void install(boolean allowed) {
        Config controller = new ConfigBuilder(Config.empty())
                .withMasterUrl("https://in-cluster.invalid:443")
                .withOauthToken(CONTROLLER_TOKEN)
                .build();
        runtime = new BlueGreenRuntime(
                new ClusterClients(),
                (id, url, run) -> null,
                new ClusterConfigResolver(
                        c -> null,
                        context -> {
                            controllerConfigReads.incrementAndGet();
                            return controller;
                        },
                        () -> allowed));
    }

    @AfterEach
    void close() throws Exception {
        runtime.close();
        attacker.close();
    }

    private String attackerUrl() throws Exception {
        return "http://127.0.0.1:" + ((InetSocketAddress) attacker.getLocalAddress()).getPort();
    }

    @Test
    void serverUrlWithoutCredentialIsRefusedEvenWhereTheControllerIdentityIsAllowed() throws Exception {
        install(true);
        AwaitHealthyStep step = new AwaitHealthyStep("shop");
        step.setServerUrl(attackerUrl());
        step.setSkipTlsVerify(true);
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, null);

        PluginSim.start(runtime, step, ctx);

        assertThat(ctx.awaitFailure())
                .hasMessageContaining("serverUrl")
                .hasMessageContaining("cannot be combined with the controller's own Kubernetes identity")
                .hasMessageNotContaining(CONTROLLER_TOKEN);
        // the step has ended: a connection it made would be waiting in the backlog now
        assertThat(attacker.accept())
                .as("a connection reached the pipeline's server")
                .isNull();
        assertThat(controllerConfigReads).hasValue(0);
        assertThat(ctx.console()).doesNotContain(CONTROLLER_TOKEN);
    }

    @Test
    void withoutTheAdministratorsConsentNoStepUsesTheControllerIdentity() throws Exception {
        install(false);
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, null);

        PluginSim.start(runtime, new AwaitHealthyStep("shop"), ctx);

        assertThat(ctx.awaitFailure()).hasMessageContaining("credentialsId").hasMessageContaining("is not enabled");
        assertThat(controllerConfigReads).hasValue(0);
    }
}

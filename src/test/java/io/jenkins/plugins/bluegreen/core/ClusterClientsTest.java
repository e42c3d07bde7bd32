package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterClientsTest {
    private final List<KubernetesClient> built = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final ClusterClients clients = new ClusterClients(
            config -> {
                KubernetesClient client =
                        new KubernetesClientBuilder().withConfig(config).build();
                built.add(client);
                return client;
            },
            Duration.ofMinutes(10),
            clock);

    @AfterEach
    void close() {
        clients.close();
    }

    private static ConfigBuilder cluster(String url, String token) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken(token);
    }

    @Test
    void theSameClusterAndCredentialsShareOneClientWhateverTheNamespace() {
        try (ClusterClients.Connection a = clients.connect(cluster("https://k8s.example:6443", "t1")
                        .withNamespace("shop")
                        .build());
                ClusterClients.Connection b = clients.connect(cluster("https://k8s.example:6443", "t1")
                        .withNamespace("payments")
                        .build())) {
            assertThat(b.client()).isSameAs(a.client());
            assertThat(b.watches()).isSameAs(a.watches());
            assertThat(built).hasSize(1);
        }
    }

    @Test
    void otherCredentialsOrAnotherServerGetTheirOwnClient() {
        try (ClusterClients.Connection a = clients.connect(
                        cluster("https://k8s.example:6443", "t1").build());
                ClusterClients.Connection b = clients.connect(
                        cluster("https://k8s.example:6443", "t2").build());
                ClusterClients.Connection c = clients.connect(
                        cluster("https://other.example:6443", "t1").build());
                ClusterClients.Connection d = clients.connect(cluster("https://k8s.example:6443", "t1")
                        .withImpersonateUsername("deployer")
                        .build())) {
            assertThat(List.of(a.client(), b.client(), c.client(), d.client())).doesNotHaveDuplicates();
            assertThat(clients.size()).isEqualTo(4);
        }
    }

    @Test
    void anIdleClientIsClosedAfterTheTimeoutButNeverWhileInUse() {
        ClusterClients.Connection inUse =
                clients.connect(cluster("https://busy.example", "t").build());
        clients.connect(cluster("https://idle.example", "t").build()).close();

        clock.advance(Duration.ofMinutes(11));
        clients.evictIdle();

        assertThat(clients.size()).isEqualTo(1);
        assertThat(inUse.client().getMasterUrl().getHost()).isEqualTo("busy.example");
        try (ClusterClients.Connection again =
                clients.connect(cluster("https://busy.example", "t").build())) {
            assertThat(again.client()).isSameAs(inUse.client());
        }
        inUse.close();
    }

    @Test
    void aClientReusedBeforeTheTimeoutStaysCached() {
        clients.connect(cluster("https://k8s.example", "t").build()).close();
        clock.advance(Duration.ofMinutes(9));
        clients.connect(cluster("https://k8s.example", "t").build()).close();
        clock.advance(Duration.ofMinutes(9));
        clients.evictIdle();

        assertThat(clients.size()).isEqualTo(1);
        assertThat(built).hasSize(1);
    }

    @Test
    void aTokenProviderIsNeverSharedAndItsClientClosesWithTheConnection() {
        Config config = cluster("https://k8s.example", null)
                .withOauthTokenProvider(() -> "rotating")
                .build();
        ClusterClients.Connection a = clients.connect(config);
        ClusterClients.Connection b = clients.connect(config);

        assertThat(a.client()).isNotSameAs(b.client());
        assertThat(clients.size()).isZero();
        a.close();
        b.close();
    }

    @Test
    void enginesOfOneConnectionShareItsWatches() {
        try (ClusterClients.Connection connection =
                clients.connect(cluster("https://k8s.example", "t").build())) {
            BlueGreen engine = connection.engine("shop").build();
            assertThat(engine.namespace()).isEqualTo("shop");
            assertThatThrownBy(() -> BlueGreen.builder(connection.client())
                            .watches(new SharedWatches(new KubernetesClientBuilder()
                                    .withConfig(Config.empty())
                                    .build())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closingReleasesEverythingAndRefusesNewConnections() {
        clients.connect(cluster("https://k8s.example", "t").build());
        clients.close();

        assertThat(clients.size()).isZero();
        assertThatThrownBy(() ->
                        clients.connect(cluster("https://k8s.example", "t").build()))
                .isInstanceOf(IllegalStateException.class);
    }
}

package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** renewLock: one guarded patch that keeps the holder's own lock and never takes a free or another holder's. */
class LockRenewalTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private static final String OTHER = "cli:bob@laptop";

    private final MutableClock clock = new MutableClock();
    private final String namespace = SIM.newNamespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).clock(clock).build();

    @AfterEach
    void noFaultsLeft() {
        SIM.sim().faults().clear();
    }

    private Lease lease() {
        return SIM.client()
                .leases()
                .inNamespace(namespace)
                .withName("myapp-bluegreen")
                .get();
    }

    private String leasePath() {
        return "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/myapp-bluegreen";
    }

    @Test
    void theHolderRenewsItsOwnLockWithOneRequest() {
        LockInfo taken = blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        clock.advance(Duration.ofMinutes(25));
        long before = SIM.sim().requests().count("*", leasePath());

        assertThat(blueGreen.renewLock("myapp", HOLDER)).isTrue();

        assertThat(SIM.sim().requests().count("*", leasePath()) - before).isEqualTo(1);
        LockInfo renewed = blueGreen.lock("myapp").orElseThrow();
        assertThat(renewed.holder()).isEqualTo(HOLDER);
        assertThat(renewed.renewedAt()).isAfterOrEqualTo(taken.renewedAt().plus(Duration.ofMinutes(25)));
        assertThat(renewed.acquiredAt()).isEqualTo(taken.acquiredAt());
        assertThat(lease().getSpec().getLeaseTransitions()).isZero();
        // past the original 30 minutes, the lock is still held: nobody else can take it
        clock.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> blueGreen.acquireLock("myapp", OTHER, Duration.ZERO))
                .isInstanceOf(LockHeldException.class);
    }

    @Test
    void anotherHoldersLockIsNeitherRenewedNorTaken() {
        LockInfo theirs = blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);
        String version = lease().getMetadata().getResourceVersion();
        clock.advance(Duration.ofMinutes(5));

        assertThat(blueGreen.renewLock("myapp", HOLDER)).isFalse();

        assertThat(lease().getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(blueGreen.lock("myapp").orElseThrow().renewedAt()).isEqualTo(theirs.renewedAt());
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(OTHER);
    }

    @Test
    void aReleasedOrMissingLockIsNotTaken() {
        assertThat(blueGreen.renewLock("myapp", HOLDER)).isFalse();
        assertThat(lease()).isNull();

        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        blueGreen.releaseLock("myapp", HOLDER);

        assertThat(blueGreen.renewLock("myapp", HOLDER)).isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isEmpty();
        assertThat(lease().getSpec().getRenewTime()).isNull();
    }

    @Test
    void aTransient503IsRetried() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        LockInfo before = blueGreen.lock("myapp").orElseThrow();
        clock.advance(Duration.ofMinutes(10));
        SIM.sim().faults().add(FaultRule.on("patch", leasePath()).respond(503).once());
        long patches = SIM.sim().requests().count("patch", leasePath());

        assertThat(blueGreen.renewLock("myapp", HOLDER)).isTrue();

        assertThat(SIM.sim().requests().count("patch", leasePath()) - patches).isEqualTo(2); // the 503, then ours

        assertThat(blueGreen.lock("myapp").orElseThrow().renewedAt()).isAfter(before.renewedAt());
    }

    @Test
    void badInputNamesTheField() {
        assertThatThrownBy(() -> blueGreen.renewLock("myapp", " "))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .contains("holder"));
    }
}

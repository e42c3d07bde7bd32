package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The template every locked operation follows (DeployLock.under), the one helper for lost races (ApiRetry.Races),
 * and what a read of the app says it did not read.
 */
class LockTemplateTest {
    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static final String OTHER = "cli:bob@laptop";

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();
    private BlueGreen blueGreen;
    private EngineContext context;
    private App app;

    @BeforeEach
    void seed() {
        String namespace = SIM.newNamespace();
        new SimApps(SIM.client(), namespace).seedLive("myapp", Color.BLUE, 2, "myapp:1");
        blueGreen = BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .listener(listener)
                .clock(clock)
                .build();
        context = new EngineContext(
                SIM.client(),
                namespace,
                BlueGreenSettings.defaults(),
                listener,
                Runnable::run,
                clock,
                null,
                new ApiRetry(SIM.client()));
        app = App.of("myapp", BlueGreenSettings.defaults());
    }

    private LockAsk ask() {
        return LockAsk.of(app, HOLDER, LockAsk.Tenure.SHORT, Duration.ZERO);
    }

    @Test
    void aFreeLockIsNotReadAgainAndTheActEndsTheTenure() {
        List<String> steps = new ArrayList<>();

        String result = new DeployLock(context)
                .under(
                        ask(),
                        "decided",
                        stale -> {
                            steps.add("reread");
                            return stale;
                        },
                        (held, decided) -> {
                            steps.add("act on " + decided);
                            held.releaseAfterChange(false);
                            return "done";
                        });

        assertThat(result).isEqualTo("done");
        assertThat(steps).containsExactly("act on decided");
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void aContendedLockDecidesAgainAndARefusalThenGivesTheLockBack() {
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);
        clock.advance(BlueGreenSettings.defaults().leaseDuration().plusMinutes(1)); // OTHER's lock expired

        assertThatThrownBy(() -> new DeployLock(context)
                        .under(
                                ask(),
                                "decided",
                                stale -> {
                                    throw new ConflictException("what was idle is live now");
                                },
                                (held, decided) -> "never"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("idle is live now");

        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void aFailureInsideTheActKeepsTheLockForTheHolder() {
        assertThatThrownBy(() -> new DeployLock(context).under(ask(), "decided", stale -> stale, (held, decided) -> {
                    throw new ConflictException("the write was refused");
                }))
                .isInstanceOf(ConflictException.class);

        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo(HOLDER));
    }

    @Test
    void lostRacesEndTheOperationAtTheirNamedLimitSayingHowManyAttemptsWereMade() {
        List<Integer> attempts = new ArrayList<>();

        assertThatThrownBy(() -> ApiRetry.Races.SERVICE_WRITE.untilWon(
                        attempt -> {
                            attempts.add(attempt);
                            throw new StaleObjectException("Service myapp", null);
                        },
                        made -> new ConflictException("kept changing (" + made + " attempts)")))
                .isInstanceOf(ConflictException.class)
                .hasMessage("kept changing (5 attempts)");
        assertThat(attempts).containsExactly(1, 2, 3, 4, 5);
        assertThat(ApiRetry.Races.LOCKLESS_ROLLBACK.<String>untilWon(
                        attempt -> {
                            if (attempt == 1) {
                                throw new StaleObjectException("Service myapp", null);
                            }
                            return "won on " + attempt;
                        },
                        made -> new ConflictException("never")))
                .isEqualTo("won on 2");
    }

    @Test
    void aReadSaysWhichColoursItLeftOut() {
        AppState full = AppState.read(context, app, null);
        AppState switchRead = AppState.readServiceAndTarget(context, app, null, Color.BLUE);

        assertThat(full.seen(Color.BLUE)).isEqualTo(AppState.Seen.PRESENT);
        assertThat(full.seen(Color.GREEN)).isEqualTo(AppState.Seen.ABSENT);
        assertThat(switchRead.seen(Color.BLUE)).isEqualTo(AppState.Seen.PRESENT);
        assertThat(switchRead.seen(Color.GREEN)).isEqualTo(AppState.Seen.NOT_READ);
        assertThat(AppState.analyse("myapp", full.service(), Map.of(), BlueGreenSettings.defaults())
                        .seen(Color.BLUE))
                .isEqualTo(AppState.Seen.NOT_READ);
    }
}

package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.model.TaskListener;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.HealthProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Planted secrets never reach the console or a step's failure message, whatever text quotes them. */
class SecretsTest {

    private static final String TOKEN = "planted-token-0a1b2c3d";

    private static CredentialMask secrets() {
        CredentialMask s = new CredentialMask();
        s.add(TOKEN);
        s.add("abc"); // too short to mask: would hide ordinary words
        return s;
    }

    @Test
    void foreignExceptionTextIsMaskedAndLosesItsCause() {
        RuntimeException bug = new IllegalStateException("header Authorization: Bearer " + TOKEN);
        Throwable failure = StepFailures.toStepFailure("switchTraffic", new CompletionException(bug), secrets());
        assertThat(failure.getMessage()).contains("Bearer ****").doesNotContain(TOKEN);
        assertThat(failure.getCause()).isNull();
        assertThat(failure.getStackTrace()).isEqualTo(bug.getStackTrace());
    }

    @Test
    void aRefusedRequestIsAnAbortWithTheMaskedMessage() {
        Throwable failure = StepFailures.toStepFailure(
                "rollback",
                new KubernetesClientException("Unauthorized: token " + TOKEN + " rejected by abc"),
                secrets());
        assertThat(failure).isInstanceOf(AbortException.class);
        assertThat(failure.getMessage())
                .startsWith("rollback: the Kubernetes API refused a request")
                .doesNotContain(TOKEN)
                .contains("abc");
    }

    @Test
    void aClientThatCannotReachTheServerSaysSoWithTheReason() {
        Throwable failure = StepFailures.toStepFailure(
                "awaitHealthy",
                new KubernetesClientException(
                        "failed",
                        new java.io.IOException("wrapped", new java.net.ConnectException("Connection refused"))),
                secrets());
        assertThat(failure).isInstanceOf(AbortException.class);
        assertThat(failure.getMessage())
                .isEqualTo(
                        "awaitHealthy: cannot reach the Kubernetes API (Connection refused); "
                                + "check serverUrl or the kubeconfig credential, and that the controller can reach the API server");
    }

    @Test
    void interruptionsPassUnchanged() {
        InterruptedException abort = new InterruptedException("aborted");
        assertThat(StepFailures.toStepFailure("rollback", abort, secrets())).isSameAs(abort);
    }

    @Test
    void consoleLinesArePrefixedAndMasked() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TaskListener listener = () -> out;
        ConsoleListener console = new ConsoleListener(listener, secrets());

        console.info("using token " + TOKEN);
        console.warn("lock taken over");
        console.progress(new HealthProgress("shop-green", Color.GREEN, 10, 8, 7, 6));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                [blue-green] using token ****
                [blue-green] warning: lock taken over
                [blue-green] shop-green: 7/10 ready (8 updated, 6 available)
                """);
    }
}

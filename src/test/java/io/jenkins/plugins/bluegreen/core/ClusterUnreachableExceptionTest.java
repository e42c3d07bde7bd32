package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ClusterUnreachableExceptionTest {

    @Test
    void aRefusedConnectionAnUnknownHostOrATimeoutIsUnreachableWithTheInnermostMessage() {
        assertThat(ClusterUnreachableException.reason(new KubernetesClientException(
                        "Operation: [get] failed",
                        new IOException("wrapped", new ConnectException("Connection refused")))))
                .hasValue("Connection refused");
        assertThat(ClusterUnreachableException.reason(
                        new KubernetesClientException("failed", new UnknownHostException("k8s.invalid"))))
                .hasValue("k8s.invalid");
        assertThat(ClusterUnreachableException.reason(
                        new KubernetesClientException("failed", new SocketTimeoutException())))
                .hasValue("SocketTimeoutException");
    }

    @Test
    void anAnswerOfTheServerOrAnyOtherFailureIsNot() {
        assertThat(ClusterUnreachableException.reason(new KubernetesClientException("Forbidden", 403, null)))
                .isEmpty();
        assertThat(ClusterUnreachableException.reason(new IOException("disk full")))
                .isEmpty();
    }
}

package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Image names as the container runtime reports them: only names without a registry host go to Docker Hub. */
class ImageRefTest {

    @ParameterizedTest
    @CsvSource({
        "nginx, docker.io/library/nginx:latest",
        "nginx:1, docker.io/library/nginx:1",
        "team/app:v2, docker.io/team/app:v2",
        "172.16.80.140/myapp/myapp:v1, 172.16.80.140/myapp/myapp:v1",
        "registry.example.com/app, registry.example.com/app:latest",
        "registry:5000/app:v1, registry:5000/app:v1",
        "localhost/app:v1, localhost/app:v1",
        "localhost:5000/app, localhost:5000/app:latest",
        "nginx@sha256:abc, docker.io/library/nginx@sha256:abc",
        "ghcr.io/org/app:1@sha256:abc, ghcr.io/org/app:1@sha256:abc"
    })
    void normalisesAsTheRuntimeDoes(String image, String expected) {
        assertThat(ImageRef.parse(image).full()).isEqualTo(expected);
    }
}

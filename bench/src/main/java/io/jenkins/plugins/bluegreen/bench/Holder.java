package io.jenkins.plugins.bluegreen.bench;

/** Lock holder identities, shaped like the build URLs the plugin uses. */
final class Holder {
    private Holder() {}

    static String build(int number) {
        return "https://ci.example/job/bench/" + number + "/";
    }
}

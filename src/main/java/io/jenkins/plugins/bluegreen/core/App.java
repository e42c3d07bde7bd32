package io.jenkins.plugins.bluegreen.core;

/**
 * An app name, validated once where a request enters the engine, and the names of what the engine keeps for it: a
 * colour's Deployment, the lock Lease, the Service named like the app. Every operation derives names from here.
 */
final class App {
    private final String name;
    private final BlueGreenSettings settings;

    private App(String name, BlueGreenSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    /** @throws InvalidInputException naming {@code app} */
    static App of(String name, BlueGreenSettings settings) {
        InputValidation.app(name, settings);
        return new App(name, settings);
    }

    String name() {
        return name;
    }

    /** The Deployment that runs {@code color}, e.g. {@code myapp-green}. */
    String deployment(Color color) {
        return settings.deploymentName(name, color);
    }

    /** The Lease of the deploy lock, {@code <app>-bluegreen}. */
    String lease() {
        return settings.leaseName(name);
    }

    /** The Service looked for when none is given and no colour records one: named like the app. */
    String service() {
        return name;
    }

    /** The name: messages say the app as users typed it. */
    @Override
    public String toString() {
        return name;
    }
}

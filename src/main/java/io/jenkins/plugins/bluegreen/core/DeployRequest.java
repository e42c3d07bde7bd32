package io.jenkins.plugins.bluegreen.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What to deploy into the idle colour: {@code image} (the live colour's template with it) or {@code manifest} (a
 * Deployment; {@code image} then overrides its container's). Validated by {@link BlueGreen#deploy} before any write;
 * every field's meaning and default: docs/architecture.md, Public API.
 *
 * @param service               null = the name an earlier deploy recorded, else {@code app}
 * @param replicas              null = the live colour's count (its HPA's when one targets it)
 * @param timeout               how long adopting an app may wait for its new live colour to become ready
 * @param replaceRollbackTarget overwrite the colour kept for a rollback while its window is open; false = refuse/wait
 * @param takesBackFrom         a holder whose (parked) lock this deploy takes as its own, or null
 */
public record DeployRequest(
        String app,
        String service,
        String previewService,
        String image,
        String container,
        String manifest,
        Integer replicas,
        String revision,
        String buildUrl,
        String holder,
        Duration lockWait,
        Duration timeout,
        boolean replaceRollbackTarget,
        String takesBackFrom) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public static Builder builder(String app) {
        return new Builder(app);
    }

    public static final class Builder {
        private final String app;
        private String service;
        private String previewService;
        private String image;
        private String container;
        private String manifest;
        private Integer replicas;
        private String revision;
        private String buildUrl;
        private String holder;
        private Duration lockWait = Duration.ZERO;
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean replaceRollbackTarget;
        private String takesBackFrom;

        private Builder(String app) {
            this.app = app;
        }

        public Builder service(String name) {
            this.service = name;
            return this;
        }

        public Builder previewService(String name) {
            this.previewService = name;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder container(String name) {
            this.container = name;
            return this;
        }

        public Builder manifest(String yaml) {
            this.manifest = yaml;
            return this;
        }

        /**
         * Reads the manifest from a file now, so an unreadable file is reported before anything happens; reads at
         * most {@link DeploymentManifest#MAX_BYTES} (and one more byte to tell a file over the cap).
         */
        public Builder manifestFile(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(DeploymentManifest.MAX_BYTES + 1);
                if (bytes.length > DeploymentManifest.MAX_BYTES) {
                    throw DeploymentManifest.tooLarge();
                }
                this.manifest = new String(bytes, StandardCharsets.UTF_8);
            } catch (InvalidInputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new InvalidInputException(
                        "manifest",
                        "cannot read " + file + " (" + why(e) + ")",
                        "pass a readable Deployment YAML file");
            }
            return this;
        }

        /** The JDK's messages for these are just the path again. */
        private static String why(Exception e) {
            if (e instanceof NoSuchFileException) {
                return "no such file";
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }

        public Builder replicas(Integer replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder revision(String revision) {
            this.revision = revision;
            return this;
        }

        public Builder buildUrl(String url) {
            this.buildUrl = url;
            return this;
        }

        public Builder holder(String holder) {
            this.holder = holder;
            return this;
        }

        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder replaceRollbackTarget(boolean replace) {
            this.replaceRollbackTarget = replace;
            return this;
        }

        public Builder takesBackFrom(String holder) {
            this.takesBackFrom = holder;
            return this;
        }

        public DeployRequest build() {
            return new DeployRequest(
                    app,
                    service,
                    previewService,
                    image,
                    container,
                    manifest,
                    replicas,
                    revision,
                    buildUrl,
                    holder,
                    lockWait,
                    timeout,
                    replaceRollbackTarget,
                    takesBackFrom);
        }
    }
}

package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a source (a user's manifest, or the live colour's Deployment) into the colour Deployment to write. Pure, so
 * every rule is unit-tested; the rules (names, labels, selector, image, annotations): docs/architecture.md, "How the
 * idle colour's Deployment is derived".
 *
 * @param source       the Deployment whose template and strategy are used
 * @param fromManifest true for a user's manifest; false when copying the live colour
 * @param image        null = keep the source's images
 */
record IdleDeploymentPlan(
        String app,
        Color color,
        String namespace,
        BlueGreenSettings settings,
        Map<String, String> stableSelector,
        Deployment source,
        boolean fromManifest,
        String image,
        String container,
        int replicas,
        String revision,
        String buildUrl,
        String deployedAt,
        String serviceName,
        String previewService) {

    Deployment desired() {
        String colorKey = settings.colorLabelKey();
        DeploymentSpec sourceSpec = source.getSpec();
        PodTemplateSpec template = new PodTemplateSpecBuilder(sourceSpec.getTemplate()).build();
        ObjectMeta podMeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();

        Map<String, String> podLabels =
                new LinkedHashMap<>(podMeta.getLabels() == null ? Map.of() : podMeta.getLabels());
        if (fromManifest && !podLabels.entrySet().containsAll(stableSelector.entrySet())) {
            throw new InvalidInputException(
                    "manifest",
                    "pod labels " + podLabels + " lack " + stableSelector + ", which the live Service selects",
                    "add them to spec.template.metadata.labels");
        }
        if (!fromManifest && image != null) {
            settings.versionLabelKeys().forEach(key -> {
                if (!stableSelector.containsKey(key)) {
                    podLabels.remove(key);
                }
            });
        }
        podLabels.putAll(stableSelector);
        podLabels.put(colorKey, color.label());

        Map<String, String> podAnnotations =
                new LinkedHashMap<>(podMeta.getAnnotations() == null ? Map.of() : podMeta.getAnnotations());
        podAnnotations.put(StateKeys.RELEASE, deployedAt);

        template.setMetadata(new ObjectMetaBuilder(podMeta)
                .withName(null)
                .withLabels(podLabels)
                .withAnnotations(podAnnotations)
                .build());
        if (image != null) {
            container(template).setImage(image);
        }

        Map<String, String> labels = new LinkedHashMap<>();
        if (fromManifest && source.getMetadata() != null && source.getMetadata().getLabels() != null) {
            labels.putAll(source.getMetadata().getLabels());
        }
        labels.putAll(stableSelector);
        labels.put(colorKey, color.label());

        List<String> images = template.getSpec().getContainers().stream()
                .map(Container::getImage)
                .toList();
        Map<String, String> annotations = new LinkedHashMap<>();
        if (fromManifest && source.getMetadata() != null && source.getMetadata().getAnnotations() != null) {
            annotations.putAll(source.getMetadata().getAnnotations());
        }
        annotations.put(StateKeys.REVISION, revision != null ? revision : defaultRevision(images));
        annotations.put(StateKeys.IMAGES, String.join(",", images));
        if (buildUrl != null) {
            annotations.put(StateKeys.BUILD_URL, buildUrl);
        }
        annotations.put(StateKeys.DEPLOYED_AT, deployedAt);
        annotations.put(StateKeys.RELEASE_REPLICAS, Integer.toString(replicas));
        annotations.put(StateKeys.SERVICE, serviceName);
        if (previewService != null) {
            annotations.put(StateKeys.PREVIEW_SERVICE, previewService);
        }
        // a new release replaces any pending scale-down of whatever ran in this colour before
        annotations.remove(StateKeys.SCALE_DOWN_AT);
        annotations.remove(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);

        LabelSelector selector = selector(colorKey);
        if (fromManifest) {
            requireWellFormed(selector, podLabels, template.getSpec().getContainers());
        }
        DeploymentSpec spec = new DeploymentSpecBuilder(sourceSpec)
                .withReplicas(replicas)
                .withSelector(selector)
                .withTemplate(template)
                .withPaused(null)
                .build();
        return new DeploymentBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(settings.deploymentName(app, color))
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .withAnnotations(annotations)
                        .build())
                .withSpec(spec)
                .build();
    }

    /**
     * What the API server would refuse with 422 — but only after the lock was taken (and an adoption run), so a
     * manifest's mistakes are caught here, before any write.
     */
    private static void requireWellFormed(
            LabelSelector selector, Map<String, String> podLabels, List<Container> containers) {
        if (!podLabels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            throw new InvalidInputException(
                    "manifest",
                    "spec.selector.matchLabels " + selector.getMatchLabels()
                            + " are not all in the pod labels " + podLabels
                            + ", so the Deployment would select none of its "
                            + "own pods",
                    "give spec.template.metadata.labels every spec.selector.matchLabels entry");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            if (c.getName() == null || c.getName().isBlank()) {
                throw new InvalidInputException(
                        "manifest",
                        "spec.template.spec.containers[" + i + "] has no name",
                        "give every container a name");
            }
            if (!names.add(c.getName())) {
                throw new InvalidInputException(
                        "manifest", "two containers are named " + c.getName(), "give every container its own name");
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                throw new InvalidInputException(
                        "manifest",
                        "container " + c.getName() + " has no image",
                        "set its image in the manifest, or pass --image for it");
            }
        }
    }

    private LabelSelector selector(String colorKey) {
        Map<String, String> matchLabels = new LinkedHashMap<>();
        LabelSelector sourceSelector = source.getSpec().getSelector();
        if (fromManifest && sourceSelector != null && sourceSelector.getMatchLabels() != null) {
            matchLabels.putAll(sourceSelector.getMatchLabels());
        } else {
            matchLabels.putAll(stableSelector);
        }
        matchLabels.put(colorKey, color.label());
        LabelSelectorBuilder builder = new LabelSelectorBuilder().withMatchLabels(matchLabels);
        if (fromManifest && sourceSelector != null && sourceSelector.getMatchExpressions() != null) {
            builder.withMatchExpressions(sourceSelector.getMatchExpressions());
        }
        return builder.build();
    }

    private Container container(PodTemplateSpec template) {
        List<Container> containers = template.getSpec().getContainers();
        if (container == null) {
            return containers.get(0);
        }
        return containers.stream()
                .filter(c -> container.equals(c.getName()))
                .findFirst()
                .orElseThrow(() -> new InvalidInputException(
                        "container",
                        "no container named " + container + "; the pod has "
                                + containers.stream().map(Container::getName).toList(),
                        "pass one of those names, or leave it out for the first container"));
    }

    /** The first image's tag (or digest), else the deploy time, so every release has a readable revision. */
    String defaultRevision(List<String> images) {
        if (!images.isEmpty() && images.get(0) != null) {
            String first = images.get(0);
            int at = first.indexOf('@');
            if (at >= 0) {
                return first.substring(at + 1);
            }
            int slash = first.lastIndexOf('/');
            int colon = first.lastIndexOf(':');
            if (colon > slash) {
                return first.substring(colon + 1);
            }
        }
        return deployedAt;
    }
}

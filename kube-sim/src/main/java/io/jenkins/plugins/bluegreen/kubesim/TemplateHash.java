package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code pod-template-hash} of a Deployment's pod template: equal templates give equal
 * hashes whatever the order of their map keys, so re-applying a template reuses its ReplicaSet
 * (which is also how a rollback to an earlier template finds the old ReplicaSet).
 */
final class TemplateHash {

  // the alphabet Kubernetes uses for generated names: no vowels, no look-alike characters
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final ObjectMapper canonical = Serialization.jsonMapper().copy()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  String of(PodTemplateSpec template) {
    PodTemplateSpec copy = Serialization.clone(template);
    if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
      copy.getMetadata().getLabels().remove(DeploymentController.HASH_LABEL);
    }
    try {
      Object tree = canonical.convertValue(copy, Map.class);
      byte[] bytes = canonical.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
      int h = 0x811c9dc5;
      for (byte b : bytes) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
      long v = h & 0xffffffffL;
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < 9; i++) {
        out.append(ALPHABET.charAt((int) (v % ALPHABET.length())));
        v /= ALPHABET.length();
      }
      return out.toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

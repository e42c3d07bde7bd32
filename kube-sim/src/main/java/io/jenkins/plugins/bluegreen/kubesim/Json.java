package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The JSON and YAML mappers kube-sim uses: the same ones fabric8's CRUD store uses, so objects
 * are parsed and printed identically on both sides of the store. (fabric8 deprecates the static
 * accessors in favour of per-client instances; the store still uses them.)
 */
final class Json {

  private Json() {
  }

  @SuppressWarnings("deprecation")
  static ObjectMapper mapper() {
    return Serialization.jsonMapper();
  }

  @SuppressWarnings("deprecation")
  static ObjectMapper yaml() {
    return Serialization.yamlMapper();
  }
}

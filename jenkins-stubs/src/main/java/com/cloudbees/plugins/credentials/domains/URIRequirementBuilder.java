package com.cloudbees.plugins.credentials.domains;

import java.util.ArrayList;
import java.util.List;

public class URIRequirementBuilder {

    // The real builder derives scheme/host/path requirements; here the URI is only carried along.
    private final List<DomainRequirement> requirements;

    private URIRequirementBuilder(List<DomainRequirement> requirements) {
        this.requirements = requirements;
    }

    public static URIRequirementBuilder create() {
        return new URIRequirementBuilder(new ArrayList<>());
    }

    public static URIRequirementBuilder fromUri(String uri) {
        return create().withUri(uri);
    }

    public URIRequirementBuilder withUri(String uri) {
        return this;
    }

    public List<DomainRequirement> build() {
        return new ArrayList<>(requirements);
    }
}

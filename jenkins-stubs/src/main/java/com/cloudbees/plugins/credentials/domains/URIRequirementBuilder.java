package com.cloudbees.plugins.credentials.domains;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.ArrayList;
import java.util.List;

public class URIRequirementBuilder {

    // The real builder derives scheme/host/path requirements; here the URI is only carried along.
    private final List<DomainRequirement> requirements;

    private URIRequirementBuilder(@NonNull List<DomainRequirement> requirements) {
        this.requirements = requirements;
    }

    @NonNull
    public static URIRequirementBuilder create() {
        return new URIRequirementBuilder(new ArrayList<>());
    }

    @NonNull
    public static URIRequirementBuilder fromUri(@CheckForNull String uri) {
        return create().withUri(uri);
    }

    @NonNull
    public URIRequirementBuilder withUri(@CheckForNull String uri) {
        return this;
    }

    @NonNull
    public List<DomainRequirement> build() {
        return new ArrayList<>(requirements);
    }
}

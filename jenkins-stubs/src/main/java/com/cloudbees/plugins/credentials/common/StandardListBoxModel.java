package com.cloudbees.plugins.credentials.common;

public class StandardListBoxModel extends AbstractIdCredentialsListBoxModel<StandardListBoxModel, StandardCredentials> {

    private static final long serialVersionUID = 1L;

    @Override
    protected String describe(StandardCredentials c) {
        String description = c.getDescription();
        return description == null || description.isBlank() ? c.getId() : c.getId() + " (" + description + ")";
    }
}

package io.jenkins.plugins.bluegreen.plugin;

import java.io.Serializable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What every blue-green step shares: the app and where its cluster is. The step object is part of its
 * execution's serialized state (so a wait resumes after a controller restart), hence {@link Serializable};
 * blank optional values are stored as null so "not given" has one representation.
 */
public abstract class ClusterStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String app;
    private String namespace;
    private String credentialsId;
    private String serverUrl;
    private String caCertificate;
    private String context;
    private boolean skipTlsVerify;
    private String service;
    private boolean dryRun;

    protected ClusterStep(String app) {
        this.app = trimToNull(app);
    }

    public String getApp() {
        return app;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = trimToNull(namespace);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = trimToNull(credentialsId);
    }

    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String serverUrl) {
        this.serverUrl = trimToNull(serverUrl);
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = trimToNull(caCertificate);
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = trimToNull(context);
    }

    public boolean isSkipTlsVerify() {
        return skipTlsVerify;
    }

    @DataBoundSetter
    public void setSkipTlsVerify(boolean skipTlsVerify) {
        this.skipTlsVerify = skipTlsVerify;
    }

    public String getService() {
        return service;
    }

    @DataBoundSetter
    public void setService(String service) {
        this.service = trimToNull(service);
    }

    /**
     * {@code dryRun: true}: the step reads the real state, has the API server validate each write ({@code dryRun=All}),
     * writes nothing and prints its plan. Offered (as a {@code @DataBoundSetter}) by the steps that write on their
     * own: blueGreenDeploy, switchTraffic, rollback.
     */
    public boolean isDryRun() {
        return dryRun;
    }

    final void dryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** The Pipeline function name, for messages ("blueGreenDeploy: timeout: ..."). */
    abstract String functionName();

    /** Only what reaches the cluster (kept across a restart by {@link KeptLocks}; no image, manifest or approver). */
    final ClusterStep clusterOnly() {
        AwaitHealthyStep copy = new AwaitHealthyStep(app);
        copy.setNamespace(namespace);
        copy.setCredentialsId(credentialsId);
        copy.setServerUrl(serverUrl);
        copy.setCaCertificate(caCertificate);
        copy.setContext(context);
        copy.setSkipTlsVerify(skipTlsVerify);
        copy.setService(service);
        return copy;
    }

    /** A step parameter as given, without surrounding white space; null when nothing but white space was given. */
    static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

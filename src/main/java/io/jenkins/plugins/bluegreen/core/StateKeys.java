package io.jenkins.plugins.bluegreen.core;

/** The annotation keys that hold blue-green state on the cluster, readable by anyone with kubectl. */
final class StateKeys {
    static final String PREFIX = "bluegreen.jenkins.io/";

    // on the live Service
    static final String ACTIVE_COLOR = PREFIX + "active-color";
    static final String PREVIOUS_COLOR = PREFIX + "previous-color";
    static final String HISTORY = PREFIX + "history";
    /**
     * A deploy in progress ({@link DeployAnnouncement}): written before the deploy touches the idle colour, removed by
     * the switch's Service write or by abandon. While present, rollback takes the deploy lock (its slow path).
     */
    static final String DEPLOYING = PREFIX + "deploying";
    /**
     * The preview Service and the HorizontalPodAutoscaler of the app, recorded by the deploy's announcement so that
     * every later traffic change (switch, either rollback, abandon) finds them on the one object it always reads.
     */
    static final String APP_PREVIEW_SERVICE = PREFIX + "preview-service";

    static final String HPA = PREFIX + "hpa";

    // on a colour Deployment
    static final String REVISION = PREFIX + "revision";
    static final String IMAGES = PREFIX + "images";
    static final String BUILD_URL = PREFIX + "build-url";
    static final String DEPLOYED_AT = PREFIX + "deployed-at";
    /** The live Service the colour belongs to, so later operations find it without being told. */
    static final String SERVICE = PREFIX + "service";

    static final String PREVIEW_SERVICE = PREFIX + "preview-service";
    static final String ADOPTED_FROM = PREFIX + "adopted-from";
    static final String SCALE_DOWN_AT = PREFIX + "scale-down-at";
    static final String REPLICAS_BEFORE_SCALE_DOWN = PREFIX + "replicas-before-scale-down";
    // the replica count the deploy asked for: a colour scaled below it by hand is not the release that was approved
    static final String RELEASE_REPLICAS = PREFIX + "release-replicas";
    /** The deploy lock's tenure when this colour was deployed ({@link LockStamp}): lets its switch skip reading the Lease. */
    static final String LOCK = PREFIX + "lock";

    // on a preview Service: the live Service it previews; a Service without it is not ours to re-point
    static final String PREVIEW_OF = PREFIX + "preview-of";

    // on a colour's pod template: unique per deploy, so the health check can tell this release's pods from the
    // previous release's (which may still be crashing while they are replaced)
    static final String RELEASE = PREFIX + "release";

    private StateKeys() {}
}

package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.DurationText;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import io.jenkins.plugins.bluegreen.core.VerificationResult;
import java.time.Duration;
import java.time.Instant;

/**
 * What switchTraffic and blueGreenRelease say about a verification window ({@code verifyFor}), so both steps say it
 * the same way. The verification itself is core's; the steps wait for its future without a thread.
 */
final class VerifiedSwitch {
    private VerifiedSwitch() {
    }

    static String watching(SwitchResult r, Instant until, Duration window) {
        return "verifying " + r.to() + " of " + r.app() + " until " + until + " (verifyFor " + DurationText.format(window)
                + "): a crash loop, restart or lost readiness of its pods switches traffic back to " + r.from()
                + ", which keeps running meanwhile; this build holds no thread while it watches";
    }

    static String passed(VerificationResult r) {
        return r.color() + " passed its verification (" + DurationText.format(r.window()) + "); recorded as verified "
                + "in the history of Service " + r.service();
    }

    /** A stop (abort) during the window: traffic stays, the watch and the verification's lock end. */
    static String stopped(String app, String live, String previous, Instant scaleDownAt, Instant until) {
        return "the verification of " + live + " was stopped before its window ended (" + until + "): traffic stays on "
                + live + ", not verified and not reverted; " + previous + " keeps running"
                + (scaleDownAt == null ? "" : " until " + scaleDownAt + " (not before the window's end)")
                + "; the deploy lock the verification held is released — to go back: rollback app: '" + app + "'";
    }

    /** A controller restart cut the watch off (a safe restart waits for the window instead). */
    static String cutOffByRestart(String app, String live, String previous, Instant scaleDownAt, Instant until) {
        return "Jenkins restarted while verifying " + live + " of " + app + " (window until " + until + "): the watch "
                + "did not survive the restart, so " + live + " stays live, not verified and not reverted; " + previous
                + " keeps running" + (scaleDownAt == null ? "" : " until " + scaleDownAt) + " — check it (bluegreen "
                + "status --app " + app + ") and roll back if needed: rollback app: '" + app + "'";
    }
}

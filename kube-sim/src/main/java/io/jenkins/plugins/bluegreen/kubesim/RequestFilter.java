package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The one filter every request passes, HTTP or WebSocket, in a real API server's order:
 * authentication and RBAC, a body it cannot read, a format the client cannot accept, then the
 * faults a test injected (refused watches, fault rules).
 */
final class RequestFilter {

    /** What the filter decided: answer now, or serve (under the fault rule that fired, if any). */
    record Admission(Reply refusal, FaultRule rule) {}

    private final Rbac rbac;
    private final FaultRules faults;

    RequestFilter(Rbac rbac, FaultRules faults) {
        this.rbac = rbac;
        this.faults = faults;
    }

    Admission admit(Exchange ex) {
        Rbac.Refusal denied = rbac.check(ex.req().getHeader("Authorization"), ex.verb(), ex.api(), ex.params());
        Reply refused = denied == null ? null : Reply.json(denied.code(), denied.body());
        if (refused == null && ex.badBody() != null) {
            refused = ex.badBody();
        }
        if (refused == null && notAcceptable(ex)) {
            refused = Reply.status(
                    406,
                    "only the following media types are accepted: "
                            + (ex.watch() ? MediaTypes.JSON : MediaTypes.SUPPORTED));
        }
        if (refused == null && ex.watch() && faults.takeWatchRefusal()) {
            refused = Reply.status(500, "kube-sim refused this watch (faults().refuseWatches)");
        }
        return refused != null
                ? new Admission(refused, null)
                : new Admission(null, faults.fire(ex.faultRequest()).orElse(null));
    }

    /** Resources are served as JSON, YAML or protobuf; watches as JSON. */
    private static boolean notAcceptable(Exchange ex) {
        if (ex.api() == null || "log".equals(ex.api().subresource())) {
            return false;
        }
        return ex.watch()
                ? !ex.accepted().contains(MediaTypes.Format.JSON)
                : ex.accepted().isEmpty();
    }

    /** What a {@code respond(...)} fault rule answers. */
    static Reply faultReply(FaultRule rule) {
        ObjectNode status = (ObjectNode)
                Json.parse(Statuses.json(rule.status(), Statuses.reasonFor(rule.status()), rule.message()));
        Map<String, String> headers = new HashMap<>();
        if (rule.retryAfter() != null) {
            long seconds = Math.max(1, (rule.retryAfter().toMillis() + 999) / 1000);
            headers.put("Retry-After", String.valueOf(seconds));
            status.putObject("details").put("retryAfterSeconds", seconds);
        }
        return new Reply(rule.status(), MediaTypes.JSON, status.toString(), headers);
    }
}

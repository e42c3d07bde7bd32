package io.jenkins.plugins.bluegreen.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Who the deploy lock names while a CLI operation holds it. A pipeline calling the CLI sets
 * {@code BLUEGREEN_HOLDER} (e.g. to its build URL) so a second pipeline waiting on the lock sees something it
 * can follow; otherwise {@code cli:<user>@<host>} tells a colleague whose terminal holds it.
 */
final class HolderIdentity {

    static final String ENV = "BLUEGREEN_HOLDER";

    private HolderIdentity() {}

    static String of(Map<String, String> env) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        return "cli:" + user(env) + "@" + host(env);
    }

    static String user(Map<String, String> env) {
        for (String key : new String[] {"USER", "USERNAME", "LOGNAME"}) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return System.getProperty("user.name", "unknown");
    }

    private static String host(Map<String, String> env) {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // Containers without a resolvable hostname still have HOSTNAME set by the runtime.
            String v = env.getOrDefault("HOSTNAME", env.get("COMPUTERNAME"));
            return v == null || v.isBlank() ? "localhost" : v;
        }
    }
}

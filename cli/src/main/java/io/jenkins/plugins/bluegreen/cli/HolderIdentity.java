package io.jenkins.plugins.bluegreen.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Who the deploy lock names while a CLI operation holds it. A pipeline calling the CLI sets
 * {@code BLUEGREEN_HOLDER} (e.g. to its build URL): every command of it is then that one holder, shared on purpose.
 * Otherwise a running deploy is its own holder, {@code cli:<user>@<host>:<random>}, so two deploys of one person at
 * once exclude each other like any two holders; a finished deploy parks its lock under {@code cli:<user>@<host>}
 * (the person's session), which their next switch, rollback or abandon continues and their next deploy takes back.
 * A deploy killed mid-way leaves its invocation id on the Lease: {@code bluegreen unlock} clears it.
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

    /** Whether the user named the holder ({@code BLUEGREEN_HOLDER}): then every command is that one holder. */
    static boolean shared(Map<String, String> env) {
        String explicit = env.get(ENV);
        return explicit != null && !explicit.isBlank();
    }

    /** The holder of one deploy: its own id, unless the holder is shared on purpose. */
    static String invocation(Map<String, String> env) {
        String session = of(env);
        if (shared(env)) {
            return session;
        }
        return session + ":" + String.format("%08x", RANDOM.nextInt());
    }

    /** A holder id some command of this session used: the session itself or one of its invocations. */
    static boolean ofSession(String holder, Map<String, String> env) {
        String session = of(env);
        return holder != null && (holder.equals(session) || holder.startsWith(session + ":"));
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

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

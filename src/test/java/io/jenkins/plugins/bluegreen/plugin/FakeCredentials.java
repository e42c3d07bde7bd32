package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.CredentialsDescriptor;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.util.Secret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** Credentials as the store would return them, without Jenkins. */
final class FakeCredentials {

    private FakeCredentials() {}

    abstract static class Base implements StandardCredentials {
        private static final long serialVersionUID = 1L;
        private final String id;

        Base(String id) {
            this.id = id;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "test credential " + id;
        }

        @Override
        public CredentialsScope getScope() {
            return null;
        }

        @Override
        public CredentialsDescriptor getDescriptor() {
            return null;
        }
    }

    static final class File extends Base implements FileCredentials {
        private static final long serialVersionUID = 1L;
        private final String content;

        File(String id, String content) {
            super(id);
            this.content = content;
        }

        @Override
        public String getFileName() {
            return "kubeconfig";
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class Token extends Base implements StringCredentials {
        private static final long serialVersionUID = 1L;
        private final String token;

        Token(String id, String token) {
            super(id);
            this.token = token;
        }

        @Override
        public Secret getSecret() {
            return Secret.fromString(token);
        }
    }

    /** A kind the plugin does not know itself (e.g. a certificate); only a KubernetesAuth converter can use it. */
    static final class Other extends Base {
        private static final long serialVersionUID = 1L;

        Other(String id) {
            super(id);
        }
    }
}

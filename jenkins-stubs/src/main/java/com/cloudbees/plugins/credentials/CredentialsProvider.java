package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.Item;
import hudson.model.Run;
import hudson.security.Permission;
import java.util.List;
import org.springframework.security.core.Authentication;

public abstract class CredentialsProvider {

    public static final Permission USE_ITEM =
            Permission.fromId("com.cloudbees.plugins.credentials.CredentialsProvider.UseItem");

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(
            @NonNull String id, @NonNull Class<C> type, @NonNull Run<?, ?> run) {
        throw new UnsupportedOperationException("stub");
    }

    public static <C extends IdCredentials> C findCredentialById(
            @NonNull String id,
            @NonNull Class<C> type,
            @NonNull Run<?, ?> run,
            DomainRequirement... domainRequirements) {
        throw new UnsupportedOperationException("stub");
    }

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(
            @NonNull String id,
            @NonNull Class<C> type,
            @NonNull Run<?, ?> run,
            @Nullable List<DomainRequirement> domainRequirements) {
        throw new UnsupportedOperationException("stub");
    }

    @CheckForNull
    public static <C extends IdCredentials> C findCredentialByIdInItem(
            @NonNull String id,
            @NonNull Class<C> type,
            @Nullable Item item,
            @Nullable Authentication authentication,
            @Nullable List<DomainRequirement> domainRequirements) {
        throw new UnsupportedOperationException("stub");
    }

    @CheckForNull
    public static <C extends Credentials> C track(@NonNull Run build, @CheckForNull C credentials) {
        throw new UnsupportedOperationException("stub");
    }

    @CheckForNull
    public static <C extends Credentials> C track(@NonNull Item item, @CheckForNull C credentials) {
        throw new UnsupportedOperationException("stub");
    }
}

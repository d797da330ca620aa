package io.callrec.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code --route USER_REGEX=SIP_URI}: calls whose Request-URI user fully matches {@code user}
 * go to {@code targetUri}. When the target has no user part the router puts the dialled user in.
 *
 * <p>{@link Pattern} has identity equality, so two routes are equal when their pattern texts and
 * targets are.
 */
public record StaticRoute(Pattern user, String targetUri) {

    public StaticRoute {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(targetUri, "targetUri");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StaticRoute route
                && route.user.pattern().equals(user.pattern())
                && route.user.flags() == user.flags()
                && route.targetUri.equals(targetUri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user.pattern(), targetUri);
    }

    @Override
    public String toString() {
        return user.pattern() + "=" + targetUri;
    }
}

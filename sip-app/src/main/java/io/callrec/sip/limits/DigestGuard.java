package io.callrec.sip.limits;

import io.callrec.sip.auth.AuthResult;
import io.callrec.sip.auth.DigestAuthenticator;
import java.net.InetAddress;
import java.util.Objects;
import javax.sip.message.Request;

/** Digest authentication behind an {@link AuthLockout}: what the server checks credentials with. Thread-safe. */
public final class DigestGuard {
    private final DigestAuthenticator authenticator;
    private final AuthLockout lockout;

    public DigestGuard(DigestAuthenticator authenticator, AuthLockout lockout) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.lockout = Objects.requireNonNull(lockout, "lockout");
    }

    /**
     * True when the request carries credentials and the user it claims, or its source, is locked out: answer it as a
     * wrong password would be answered (403) and check nothing. A request without credentials is never refused here:
     * its challenge reveals nothing.
     */
    public boolean refuses(Request request, InetAddress source) {
        return authenticator.claimedUser(request).map(user -> lockout.locked(blankToNull(user), source)).orElse(false);
    }

    /** {@link DigestAuthenticator#verify}, counting the failure or success toward the lockout. */
    public AuthResult verify(Request request, InetAddress source) {
        AuthResult result = authenticator.verify(request);
        if (result instanceof AuthResult.Ok ok) {
            lockout.succeeded(ok.user(), source);
        } else if (result instanceof AuthResult.Failed) {
            lockout.failed(authenticator.claimedUser(request).map(DigestGuard::blankToNull).orElse(null), source);
        }
        return result;
    }

    private static String blankToNull(String user) {
        return user.isEmpty() ? null : user;
    }
}

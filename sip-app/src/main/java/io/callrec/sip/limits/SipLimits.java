package io.callrec.sip.limits;

import gov.nist.javax.sip.SipListenerExt;
import io.callrec.config.LimitSettings;
import io.callrec.config.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import javax.sip.SipProvider;

/**
 * Every SIP-side limit of one server, built from its settings: what the composition root wires into the stack,
 * the listener and the call policy, and what {@code /health} shows. docs/security.md lists them with their bounds.
 */
public final class SipLimits {
    /** Datagrams waiting for the parser threads: at 1.5 KiB each at most 3 MiB, and under a second of work. */
    public static final int UDP_QUEUE_DATAGRAMS = 2000;
    /** A request waiting longer has been retransmitted (T1 = 500 ms doubling: at 0.5, 1.5 and 3.5 s). */
    public static final Duration UDP_MAX_AGE = Duration.ofSeconds(4);
    /**
     * Server transactions held at once: this many per allowed call, at least {@value #MIN_SERVER_TRANSACTIONS}
     * (about 7 KiB each). JAIN-SIP 1.3.0-91 ignores its own MAX_SERVER_TRANSACTIONS (the table stays unlimited
     * whatever the setting), so {@link RequestGate} enforces this one.
     */
    static final int SERVER_TRANSACTIONS_PER_CALL = 5;
    static final int MIN_SERVER_TRANSACTIONS = 10_000;

    private final SourceRateLimiter rates;
    private volatile RequestGate gate;
    private final AuthLockout lockout;
    private final SipDatagramQueue udpQueue;
    private final StackLimits stack;
    private final int maxServerTransactions;

    public SipLimits(LimitSettings settings, Set<String> users, int maxCalls, Clock clock) {
        Map<RequestClass, RateLimit> limits = Map.of(RequestClass.INVITE, settings.invite(),
                RequestClass.REGISTER, settings.register(), RequestClass.OPTIONS, settings.options());
        this.rates = new SourceRateLimiter(limits, SourceRateLimiter.DEFAULT_MAX_SOURCES, clock);
        this.lockout = new AuthLockout(settings.authFailures(), settings.authWindow(), settings.authLockout(), users,
                SourceRateLimiter.DEFAULT_MAX_SOURCES, clock);
        this.udpQueue = new SipDatagramQueue(UDP_QUEUE_DATAGRAMS, UDP_MAX_AGE, rates::admitsDatagram);
        this.stack = new StackLimits(udpQueue, settings.maxTcpConnections(), settings.tcpIdleTimeout());
        this.maxServerTransactions = Math.max(MIN_SERVER_TRANSACTIONS, SERVER_TRANSACTIONS_PER_CALL * maxCalls);
    }

    public StackLimits stack() {
        return stack;
    }

    public AuthLockout lockout() {
        return lockout;
    }

    /**
     * The limits in front of {@code listener}; over-limit requests are answered through {@code provider}, and
     * {@code serverTransactions} tells how many server transactions the stack holds.
     */
    public SipListenerExt gate(SipListenerExt listener, SipProvider provider, IntSupplier serverTransactions) {
        gate = new RequestGate(listener, rates, RequestGate.answer503(provider), serverTransactions,
                maxServerTransactions);
        return gate;
    }

    /** For {@code /health}. */
    public Map<String, Object> health() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rates", rates.stats());
        out.put("authLockout", lockout.stats());
        out.put("udpQueue", udpQueue.stats());
        out.put("maxTcpConnections", stack.maxTcpConnections());
        RequestGate g = gate;
        out.put("serverTransactions", g == null ? Map.of("max", maxServerTransactions) : g.stats());
        return out;
    }
}

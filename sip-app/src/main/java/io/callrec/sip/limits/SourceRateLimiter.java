package io.callrec.sip.limits;

import io.callrec.config.RateLimit;
import java.net.InetAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-source rate limits for requests outside dialogs, one token bucket per source address and
 * {@link RequestClass}. Up to the limit a request is {@link Verdict#ADMIT admitted}; beyond it, as many again are
 * {@link Verdict#REJECT answered 503} (a second bucket of the same shape), and anything past twice the limit is
 * {@link Verdict#DROP dropped} unanswered, so that a flood is never answered faster than twice the limit.
 *
 * <p>The table of sources is bounded ({@code maxSources}, least recently seen forgotten first): a flood from
 * spoofed addresses costs a fixed amount of memory, and a forgotten source only starts again with a full bucket.
 * Each source is reported in the log at most once a minute, and all sources together at most
 * {@value #LOG_LINES_PER_MINUTE} times a minute. Thread-safe.
 */
public final class SourceRateLimiter {
    private static final Logger log = LoggerFactory.getLogger(SourceRateLimiter.class);

    public static final int DEFAULT_MAX_SOURCES = 16_384;
    static final long LOG_INTERVAL_MILLIS = 60_000;
    static final int LOG_LINES_PER_MINUTE = 10;

    /** What to do with one request. */
    public enum Verdict { ADMIT, REJECT, DROP }

    private final Map<RequestClass, RateLimit> limits;
    private final Clock clock;
    private final Map<SourceKey, Source> sources;
    private final Map<RequestClass, Counters> counters = new EnumMap<>(RequestClass.class);
    private final LongAdder droppedBeforeParsing = new LongAdder();
    private final TokenBucket logLines;
    private final Consumer<String> reports;
    private long suppressedReports;

    public SourceRateLimiter(Map<RequestClass, RateLimit> limits, int maxSources, Clock clock) {
        this(limits, maxSources, clock, log::warn);
    }

    /** @param reports where the reports on sources over their limits go (the log) */
    SourceRateLimiter(Map<RequestClass, RateLimit> limits, int maxSources, Clock clock, Consumer<String> reports) {
        this.reports = Objects.requireNonNull(reports, "reports");
        this.limits = new EnumMap<>(RequestClass.class);
        for (RequestClass c : RequestClass.values()) {
            this.limits.put(c, Objects.requireNonNull(limits.get(c), c.key()));
            counters.put(c, new Counters());
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sources = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SourceKey, Source> eldest) {
                return size() > maxSources;
            }
        };
        this.logLines = new TokenBucket(LOG_LINES_PER_MINUTE / 60.0, LOG_LINES_PER_MINUTE, clock.millis());
    }

    /** Counts one request of {@code type} from {@code address} and says what to do with it. */
    public Verdict check(InetAddress address, RequestClass type) {
        RateLimit limit = limits.get(type);
        Counters c = counters.get(type);
        if (!limit.enabled()) {
            c.admitted.increment();
            return Verdict.ADMIT;
        }
        long now = clock.millis();
        SourceKey key = SourceKey.of(address);
        Verdict verdict;
        String report = null;
        synchronized (this) {
            Source s = sources.computeIfAbsent(key, k -> new Source());
            verdict = s.take(type, limit, now);
            if (verdict != Verdict.ADMIT) {
                report = s.over(key, type, limit, verdict, now);
            }
        }
        (verdict == Verdict.ADMIT ? c.admitted : verdict == Verdict.REJECT ? c.rejected : c.dropped).increment();
        if (report != null) {
            reports.accept(report);
        }
        return verdict;
    }

    /**
     * Before a datagram is even parsed: true if {@link #check} would drop a request of {@code type} from
     * {@code address} now, in which case it is counted as dropped. Takes no token and adds no source to the table.
     */
    public boolean shedsEarly(InetAddress address, RequestClass type) {
        RateLimit limit = limits.get(type);
        if (!limit.enabled()) {
            return false;
        }
        long now = clock.millis();
        SourceKey key = SourceKey.of(address);
        synchronized (this) {
            Source s = sources.get(key);
            if (s == null || !s.overTwice(type, now)) {
                return false;
            }
            s.droppedSinceReport++;
        }
        counters.get(type).dropped.increment();
        droppedBeforeParsing.increment();
        return true;
    }

    /**
     * For the UDP intake, before the stack parses a datagram: false when it is a request that {@link #check} would
     * drop now (counted as dropped), so that a flood does not even cost its parsing.
     */
    public boolean admitsDatagram(InetAddress source, byte[] data, int offset, int length) {
        RequestClass type = DatagramPeek.limitedClass(data, offset, length);
        return type == null || !shedsEarly(source, type);
    }

    /** The Retry-After of a 503: how long the bucket takes to fill up again, at least a second. */
    public int retryAfterSeconds(RequestClass type) {
        RateLimit limit = limits.get(type);
        return limit.enabled() ? Math.max(1, (limit.burst() + limit.perSecond() - 1) / limit.perSecond()) : 1;
    }

    /** For {@code /health}: per class the limit and the admitted, rejected and dropped counts; sources tracked. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RequestClass type : RequestClass.values()) {
            Counters c = counters.get(type);
            out.put(type.key(), Map.of("limit", limits.get(type).toString(), "admitted", c.admitted.sum(),
                    "rejected", c.rejected.sum(), "dropped", c.dropped.sum()));
        }
        out.put("droppedBeforeParsing", droppedBeforeParsing.sum());
        synchronized (this) {
            out.put("sources", sources.size());
        }
        return out;
    }

    private static final class Counters {
        final LongAdder admitted = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder dropped = new LongAdder();
    }

    /** One source's buckets, made on first use per class; guarded by the limiter's lock. */
    private final class Source {
        private final TokenBucket[] admit = new TokenBucket[RequestClass.values().length];
        /** The 503 band: refusals are answered only as fast as the limit itself. */
        private final TokenBucket[] refuse = new TokenBucket[RequestClass.values().length];
        private long reportedAt = Long.MIN_VALUE;
        /** The last report due, made or suppressed by the overall cap: at most one a minute either way. */
        private long dueAt = Long.MIN_VALUE;
        private long rejectedSinceReport;
        private long droppedSinceReport;

        Verdict take(RequestClass type, RateLimit limit, long now) {
            int i = type.ordinal();
            if (admit[i] == null) {
                admit[i] = new TokenBucket(limit.perSecond(), limit.burst(), now);
                refuse[i] = new TokenBucket(limit.perSecond(), limit.burst(), now);
            }
            if (admit[i].tryTake(now)) {
                return Verdict.ADMIT;
            }
            return refuse[i].tryTake(now) ? Verdict.REJECT : Verdict.DROP;
        }

        boolean overTwice(RequestClass type, long now) {
            int i = type.ordinal();
            return admit[i] != null && !admit[i].hasToken(now) && !refuse[i].hasToken(now);
        }

        /** Counts a refusal; returns the report to log when this source is due one, else null. */
        String over(SourceKey key, RequestClass type, RateLimit limit, Verdict verdict, long now) {
            if (verdict == Verdict.REJECT) {
                rejectedSinceReport++;
            } else {
                droppedSinceReport++;
            }
            if (dueAt != Long.MIN_VALUE && now - dueAt < LOG_INTERVAL_MILLIS) {
                return null;
            }
            dueAt = now;
            if (!logLines.tryTake(now)) {
                suppressedReports++;
                return null;
            }
            String report = "rate limit: " + key + " is over the " + type.key() + " limit (" + limit + "): "
                    + (reportedAt == Long.MIN_VALUE
                            ? "answering 503 up to twice the limit, dropping the rest unanswered"
                            : rejectedSinceReport + " answered 503 and " + droppedSinceReport
                                    + " dropped since the last report " + (now - reportedAt) / 1000 + " s ago")
                    + (suppressedReports > 0 ? " (" + suppressedReports + " reports on other sources suppressed)" : "");
            reportedAt = now;
            rejectedSinceReport = 0;
            droppedSinceReport = 0;
            suppressedReports = 0;
            return report;
        }
    }
}

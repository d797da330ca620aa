package io.callrec.server;

import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.KeyFileException;
import io.callrec.config.AtRestConfig;
import io.callrec.config.IpLiteral;
import io.callrec.config.ServerConfig;
import io.callrec.http.HttpService;
import io.callrec.http.JsonHandler;
import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelayTotals;
import io.callrec.media.relay.RtpRelay;
import io.callrec.sip.B2bua;
import io.callrec.sip.CallPolicy;
import io.callrec.sip.SipServer;
import io.callrec.sip.limits.SipLimits;
import io.callrec.sip.registrar.Registrar;
import io.callrec.record.FinishedRecording;
import io.callrec.record.Recorder;
import io.callrec.record.RecorderConfig;
import io.callrec.record.RecordingListener;
import io.callrec.http.download.DownloadHandler;
import io.callrec.link.LinkKeys;
import io.callrec.link.SignedLink;
import io.callrec.rendition.Ffmpeg;
import io.callrec.rendition.FfmpegException;
import io.callrec.rendition.FfmpegRenditions;
import io.callrec.control.ConsentLog;
import io.callrec.control.ErrorCode;
import io.callrec.control.StartResult;
import io.callrec.control.StorageAvailability;
import io.callrec.sip.LinkCourier;
import io.callrec.sip.RecordingServices;
import io.callrec.storage.StorageException;
import java.util.Optional;
import io.callrec.sip.delivery.DeliveryStore;
import io.callrec.storage.AvailabilityMonitor;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageBackends;
import io.callrec.storage.StorageStatus;
import io.callrec.storage.spool.Uploader;
import io.callrec.tls.SipTls;
import io.callrec.tls.TlsSetupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The composition root: builds relay, SIP stack, B2BUA and HTTP service from one {@link ServerConfig}, and takes
 * them down in the reverse order. Nothing else wires components together.
 */
public final class CallrecServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallrecServer.class);

    private final ServerConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Instant startedAt = clock.instant();
    private final ScheduledExecutorService timers;
    private final RtpRelay relay;
    private final SipServer sip;
    private final Registrar registrar;
    private final SipLimits limits;
    private volatile B2bua b2bua;
    private final ConsentLog consentLog;
    private final StorageBackend backend;
    private final AvailabilityMonitor monitor;
    private final SignedLink links;
    private final LinkCourier courier;
    private final Uploader uploader;
    private final Recorder recorder;
    private final Optional<FfmpegRenditions> renditions;
    private final HttpService http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CallrecServer(ServerConfig config) throws Exception {
        this.config = config;
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callrec-timers");
            t.setDaemon(true);
            return t;
        });
        // A call's 3-minute setup timer is cancelled when the call is answered; left in the queue it would keep the
        // whole call reachable for those 3 minutes.
        timerPool.setRemoveOnCancelPolicy(true);
        this.timers = timerPool;
        this.limits = new SipLimits(config.limits(), config.users().keySet(), config.maxCalls(), clock);
        InetAddress mediaAddress = InetAddress.getByName(config.mediaHost());
        RelayConfig rc = new RelayConfig(mediaAddress, config.rtpPortMin(), config.rtpPortMax(),
                Math.min(2, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(3), config.rtpTimeout());
        Optional<SipTls> tls = loadTls(config, clock);
        this.relay = RtpRelay.start(rc);
        try {
            this.sip = SipServer.start(config.sipHost(), config.sipPort(), tls, 8, 65_536, limits.stack());
        } catch (Exception e) {
            relay.close();
            throw new StartupException("SIP port " + hostPort(config.sipHost(), config.sipPort()) + " (udp+tcp)"
                    + tls.map(t -> " or TLS port " + t.port()).orElse("") + " cannot be bound: " + rootMessage(e), e);
        }
        this.registrar = new Registrar(clock);
        timers.scheduleWithFixedDelay(registrar::purgeExpired, 30, 30, TimeUnit.SECONDS);
        CallPolicy policy = new CallPolicy(config, registrar, clock, SecretFile.load(
                config.dataDir().resolve("keys").resolve("digest.secret"), 32), limits.lockout());
        // Storage first: recordings that finish from here on (also those rebuilt below) go to the uploader.
        Path data = config.dataDir();
        AtRestKeys atRest = loadAtRest(config.atRest());
        // Below the floor a recording is refused rather than cut short by a full disk.
        this.backend = StorageBackends.open(config.storage(), data, config.storageSettings().freeSpaceFloorBytes(),
                clock);
        this.monitor = AvailabilityMonitor.start(backend, AvailabilityMonitor.DEFAULT_INTERVAL);
        this.links = new SignedLink(LinkKeys.open(data.resolve("keys")), config.publicUrl(), clock);
        this.courier = new LinkCourier(sip.context(), registrar, new DeliveryStore(data.resolve("deliveries")),
                timers, clock, config.publicUrl().getHost());
        this.uploader = new Uploader(data.resolve("spool"), data.resolve("spool-failed"), backend,
                new Uploader.Listener() {
                    @Override
                    public void onStored(String id, String manifestJson) {
                        SignedLink.Link link = links.sign(id, config.linkTtl());
                        courier.linkReady(id, link.url().toString(), link.expires());
                    }

                    @Override
                    public void onFailed(String id, String reason) {
                        log.error("recording {} could not be stored: {}; it was set aside in spool-failed/", id,
                                reason);
                    }

                    @Override
                    public void onRetry(String id, String reason, Duration delay) {
                        monitor.reportFailure(reason);
                    }
                }, Uploader.Options.DEFAULTS, atRest);
        monitor.addListener(this::storageChanged);
        RecorderConfig recorderDefaults = RecorderConfig.under(data).withAtRest(atRest);
        RecorderConfig recorderConfig = new RecorderConfig(recorderDefaults.workDirectory(),
                recorderDefaults.spoolDirectory(), recorderDefaults.workers(), recorderDefaults.queueBytes(),
                config.limits().maxRecordings(), recorderDefaults.journalSync(), recorderDefaults.atRest());
        this.recorder = new Recorder(recorderConfig, new RecordingListener() {
            @Override
            public void onFinished(FinishedRecording recording) {
                uploader.kick();
            }

            @Override
            public void onError(String recordingId, String code, String message) {
                B2bua calls = b2bua;
                if (calls != null) {
                    calls.onRecordingError(recordingId, code, message);
                }
            }
        });
        List<FinishedRecording> rebuilt = recorder.recover();
        if (!rebuilt.isEmpty()) {
            log.warn("{} recording(s) interrupted by the last stop were rebuilt from their journals: {}",
                    rebuilt.size(), rebuilt.stream().map(FinishedRecording::recordingId).toList());
        }
        uploader.start();
        courier.resume();
        this.consentLog = ConsentLog.open(data);
        RecordingServices services = new RecordingServices(recorder, courier,
                config.control(), consentLog, this::storageAvailability, this::allocate,
                config.rawCapture());
        this.b2bua = new B2bua(sip.context(), policy, relay, services, config.mediaHost(), timers, clock);
        courier.useDialogs(b2bua);
        sip.listen(limits.gate(b2bua, sip.context().provider(), sip::serverTransactions));
        this.renditions = startRenditions(config, backend, clock, atRest);
        try {
            this.http = HttpService.start(config.httpHost(), config.httpPort(),
                    List.of(new JsonHandler("/health", this::health), new DownloadHandler(backend, links, clock,
                            new DownloadHandler.Options(config.storageSettings().downloadRedirect()),
                            renditions.orElse(null), atRest, monitor::reportFailure)));
        } catch (Exception e) {
            renditions.ifPresent(FfmpegRenditions::close);
            sip.close();
            relay.close();
            throw new StartupException("HTTP port " + hostPort(config.httpHost(), config.httpPort())
                    + " cannot be bound: " + rootMessage(e), e);
        }
    }

    /**
     * The rendition service when renditions are on and an ffmpeg works. Without one the server runs all the same:
     * the player then offers the recorded Matroska files only, and says so. An {@code --ffmpeg} that does not work
     * stops the start: the operator asked for it.
     */
    private static Optional<FfmpegRenditions> startRenditions(ServerConfig config, StorageBackend backend,
                                                              Clock clock, AtRestKeys atRest)
            throws StartupException {
        if (!config.renditions().enabled()) {
            log.info("browser renditions off (--renditions false): the player offers the recorded Matroska files only");
            return Optional.empty();
        }
        Optional<Ffmpeg> ffmpeg;
        try {
            ffmpeg = Ffmpeg.find(config.renditions().ffmpeg(), System.getenv("PATH"));
        } catch (FfmpegException e) {
            if (config.renditions().ffmpeg().isPresent()) {
                throw new StartupException("--ffmpeg: " + e.getMessage(), e);
            }
            log.warn("the ffmpeg on the PATH does not work, so no browser renditions: {}", e.getMessage());
            return Optional.empty();
        }
        if (ffmpeg.isEmpty()) {
            log.info("no ffmpeg on the PATH: no browser renditions; the player offers the recorded Matroska files"
                    + " only, which Chromium plays and Firefox and Safari do not (install ffmpeg or give --ffmpeg)");
            return Optional.empty();
        }
        Path work = config.dataDir().resolve("rendition-work");
        try {
            FfmpegRenditions service = new FfmpegRenditions(backend, ffmpeg.get(), work,
                    FfmpegRenditions.Options.DEFAULTS, clock, atRest);
            log.info("browser renditions made on first request by {}", ffmpeg.get());
            return Optional.of(service);
        } catch (IOException e) {
            throw new StartupException("the rendition work directory " + work + " cannot be prepared: "
                    + rootMessage(e), e);
        }
    }

    /**
     * The at-rest keys: the one that encrypts (generated on first start with {@code generate:}) and those that only
     * decrypt. A key that cannot be used stops the start with the file named.
     */
    private static AtRestKeys loadAtRest(AtRestConfig config) throws StartupException {
        try {
            AtRestKey current = null;
            if (config.encryptKey().isPresent()) {
                Path file = config.encryptKey().get();
                AtRestKey.Loaded loaded = config.generate() ? AtRestKey.readOrGenerate(file)
                        : new AtRestKey.Loaded(AtRestKey.read(file), false);
                current = loaded.key();
                if (loaded.generated()) {
                    log.warn("generated the at-rest key {} in {}: keep a copy of it somewhere safe, apart from the"
                            + " recordings; without it they cannot be decrypted, by anyone, ever", current.id(), file);
                }
            }
            List<AtRestKey> older = new java.util.ArrayList<>();
            for (Path file : config.decryptKeys()) {
                older.add(AtRestKey.read(file));
            }
            AtRestKeys keys = AtRestKeys.of(current, older);
            if (keys.encrypts() || !older.isEmpty()) {
                log.info("encryption at rest: {}; keys that decrypt: {}", current == null
                        ? "off for new recordings" : "new recordings encrypted with key " + current.id(), keys.ids());
            }
            return keys;
        } catch (KeyFileException e) {
            throw new StartupException("encryption at rest: " + e.getMessage(), e);
        }
    }

    /** Certificate problems (missing key, key not matching, expired...) stop the start with the file named. */
    private static Optional<SipTls> loadTls(ServerConfig config, Clock clock) throws StartupException {
        if (config.tls().isEmpty()) {
            return Optional.empty();
        }
        String host = IpLiteral.isWildcard(config.sipHost()) ? localHostName() : config.sipHost();
        try {
            return Optional.of(SipTls.load(config.tls().get(), config.dataDir().resolve("keys"), host, clock));
        } catch (TlsSetupException e) {
            throw new StartupException("SIP over TLS: " + e.getMessage(), e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    public static CallrecServer start(ServerConfig config) throws Exception {
        CallrecServer server = new CallrecServer(config);
        log.info("callrec ready: SIP {}:{} (udp, tcp{}), RTP {}-{} on {}, HTTP {}:{}, storage {} ({})",
                config.sipHost(), config.sipPort(), config.tls().map(t -> "; tls on " + t.port()).orElse(""),
                config.rtpPortMin(), config.rtpPortMax(), config.mediaHost(),
                config.httpHost(), server.http.port(), config.storage(),
                server.monitor.current().available() ? "available"
                        : "unavailable: " + server.monitor.current().reason());
        if (config.storageSettings().downloadRedirect()) {
            log.info("file downloads are redirected to presigned storage URLs (--download-redirect)");
        }
        return server;
    }

    /** Start-up failed for a reason the operator can act on; the message names what and where. */
    public static final class StartupException extends Exception {
        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private void storageChanged(StorageStatus now) {
        log.info("storage {} is {}", backend.describe(), now.available() ? "available"
                : "unavailable: " + now.reason());
        if (now.available()) {
            uploader.retryNow();
        }
        B2bua calls = b2bua;
        if (calls != null) {
            calls.onStorageStatus(storageAvailability());
        }
    }

    private StorageAvailability storageAvailability() {
        StorageStatus now = monitor.current();
        return now.available() ? StorageAvailability.AVAILABLE
                : StorageAvailability.unavailable(now.reason(), monitor.retryAfter());
    }

    /** Makes room for a recording in storage, or says why not (spec: storage-unavailable with retryAfter). */
    private Optional<StartResult.Failed> allocate(String recordingId) {
        try {
            backend.allocate(recordingId);
            return Optional.empty();
        } catch (StorageException e) {
            monitor.reportFailure(e.getMessage());
            return Optional.of(new StartResult.Failed(ErrorCode.STORAGE_UNAVAILABLE, e.getMessage(),
                    monitor.retryAfter()));
        }
    }

    Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "up");
        h.put("uptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
        Map<String, Object> sipInfo = new LinkedHashMap<>();
        sipInfo.put("host", config.sipHost());
        sipInfo.put("port", config.sipPort());
        sipInfo.put("transports", config.tls().isPresent() ? List.of("udp", "tcp", "tls") : List.of("udp", "tcp"));
        config.tls().ifPresent(t -> sipInfo.put("tlsPort", t.port()));
        h.put("sip", sipInfo);
        h.put("calls", Map.of("active", b2bua.activeCalls(), "total", b2bua.totalCalls(),
                "failed", b2bua.failedCalls()));
        RelayTotals t = relay.totals();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sessions", relay.activeSessions());
        r.put("portsInUse", relay.portsInUse());
        r.put("totals", t);
        h.put("relay", r);
        h.put("registrations", registrar.count());
        Map<String, Object> l = new LinkedHashMap<>(limits.health());
        l.put("recordings", Map.of("active", recorder.activeRecordings(), "max", config.limits().maxRecordings()));
        h.put("limits", l);
        StorageStatus storage = monitor.current();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("uri", backend.describe());
        s.put("pendingUploads", uploader.pending());
        s.put("pendingLinks", courier.pendingCount());
        s.put("available", storage.available());
        if (storage.reason() != null) {
            s.put("reason", storage.reason());
        }
        h.put("storage", s);
        Map<String, Object> rend = new LinkedHashMap<>();
        rend.put("enabled", renditions.isPresent());
        renditions.ifPresent(made -> {
            rend.put("ffmpeg", made.ffmpeg().versionNumber());
            rend.put("pending", made.pending());
            rend.put("made", made.made());
            rend.put("failed", made.failed());
        });
        h.put("renditions", rend);
        return h;
    }

    /**
     * Graceful stop (SIGTERM): new INVITEs get 503 from now on, running calls are ended with BYE (recordings,
     * once they exist, are finished first, bounded by the drain timeout), then everything closes.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        log.info("shutting down: {} active calls", b2bua.activeCalls());
        b2bua.startDraining();
        b2bua.endAll("server shutdown");
        long deadline = System.nanoTime() + Math.min(config.drainTimeout().toNanos(), Duration.ofSeconds(5).toNanos());
        // Give the BYEs a moment to leave and be answered before the stack goes away.
        while (System.nanoTime() < deadline && b2bua.activeCalls() > 0) {
            sleep(50);
        }
        sleep(300);
        closeQuietly(http);
        renditions.ifPresent(FfmpegRenditions::close); // a job in progress is killed; the next request redoes it
        sip.close();
        recorder.close(); // finishes every running recording: its files and manifest reach the spool
        relay.close();
        uploader.close(); // what is not uploaded yet stays in the spool for the next start
        monitor.close();
        closeQuietly(backend);
        closeQuietly(consentLog);
        timers.shutdownNow();
        log.info("callrec stopped");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed: {}", e.toString());
        }
    }
}

package io.callrec.http.download;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.SealedFileException;
import io.callrec.atrest.SealedHeader;
import io.callrec.atrest.SealedInputStream;
import io.callrec.http.SecurityHeaders;
import io.callrec.link.SignedLink;
import io.callrec.rendition.RenditionIndex;
import io.callrec.rendition.Renditions;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The download service (spec §4), a Jetty 12 core handler for everything under {@value #PREFIX}; other paths are
 * left to the next handler.
 *
 * <ul>
 *   <li>{@code GET|HEAD /recordings/{id}?exp&kid&sig}: the manifest as {@code application/json}, or the
 *       {@link PlayerPage} when the client prefers {@code text/html}; {@code Vary: Accept}.</li>
 *   <li>{@code GET|HEAD /recordings/{id}/{file}?exp&kid&sig}: a file the manifest lists, streamed from storage, with
 *       one byte range ({@code 206}/{@code 416}; several ranges get the whole file with {@code 200}), a strong ETag
 *       from its SHA-256, {@code If-None-Match} ({@code 304}) and {@code If-Range}. Optionally a {@code 302} to a
 *       presigned storage URL that expires no later than the link.</li>
 *   <li>{@code GET|HEAD /recordings/{id}/renditions.json?exp&kid&sig}: the recording's browser renditions
 *       ({@link RenditionIndex}) once stored; until then {@code 202} while {@link Renditions} makes them (asked
 *       here, on the first request), {@code 503} when it cannot now, {@code 404} when this server makes none. The
 *       renditions it lists are served like the manifest's files, if each is {@code of} a file the manifest lists.
 *       </li>
 * </ul>
 *
 * The link is checked before storage is touched, and every reason to refuse it (malformed, wrong or expired
 * signature, unknown key, unknown or invalid recording id, a path in any spelling but the one canonical form)
 * gets one identical {@code 403}: the answers cannot be used to probe for ids. Methods other than GET and HEAD get
 * {@code 405} before anything else is looked at. Every response carries the {@link SecurityHeaders}; no body names
 * a path or an exception. Manifests and rendition indexes are kept for a minute in {@link ManifestCache}s,
 * consulted only after the link verified.
 *
 * <p>Recordings encrypted at rest are decrypted on the way out: the manifest and rendition index whole, a file only
 * in the chunks the request's range touches (two storage reads: the 56-byte header, then those chunks). Lengths,
 * ranges and the ETag are the plaintext's, from the manifest. Such files are never redirected to storage, which holds
 * only ciphertext.
 */
public final class DownloadHandler extends Handler.Abstract {
    public static final String PREFIX = "/recordings/";
    /** S3 refuses presigned URLs valid for longer than seven days. */
    static final Duration MAX_PRESIGN = Duration.ofDays(7);
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;
    /** The one answer to every link that does not authorize the request, whatever is wrong with it. */
    static final String FORBIDDEN_TEXT = "This recording link is not valid, or it has expired.\n";
    static final String NOT_LISTED_TEXT = "No such file in this recording.\n";
    static final String NO_RENDITIONS_TEXT = "This server makes no browser renditions.\n";
    private static final byte[] MAKING = "{\"state\":\"making\"}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LATER = "{\"state\":\"later\"}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORBIDDEN = FORBIDDEN_TEXT.getBytes(StandardCharsets.UTF_8);
    private static final Logger log = LoggerFactory.getLogger(DownloadHandler.class);
    private static final Consumer<String> IGNORE_FAILURES = reason -> { };

    /** @param redirectToPresigned answer file requests with a redirect where storage can presign (S3) */
    public record Options(boolean redirectToPresigned) {
        public static Options defaults() {
            return new Options(false);
        }
    }

    private final StorageBackend storage;
    private final SignedLink links;
    private final Clock clock;
    private final Options options;
    private final ManifestCache manifests;
    private final ManifestCache renditionIndexes;
    private final Renditions renditions;
    private final AtRestKeys atRest;
    private final Consumer<String> storageFailures;
    private final PlayerPage player = PlayerPage.load();

    /** A download service for recordings stored in plain that makes no renditions (it serves those already stored). */
    public DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options) {
        this(storage, links, clock, options, null, AtRestKeys.none());
    }

    /**
     * @param renditions makes a recording's renditions when its player first asks; null: none are made
     * @param atRest     the keys that decrypt recordings encrypted at rest
     */
    public DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options,
                           Renditions renditions, AtRestKeys atRest) {
        this(storage, links, clock, options, renditions, atRest, IGNORE_FAILURES);
    }

    /**
     * @param storageFailures told (on the request's thread, so it must return quickly) the reason of each storage
     *                        operation that failed in a way worth trying again: the server's availability monitor
     *                        learns of an outage from a download as it does from an upload
     */
    public DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options,
                           Renditions renditions, AtRestKeys atRest, Consumer<String> storageFailures) {
        this(storage, links, clock, options, renditions, ManifestCache.defaults(clock), atRest, storageFailures);
    }

    DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options, Renditions renditions,
                    ManifestCache manifests) {
        this(storage, links, clock, options, renditions, manifests, AtRestKeys.none());
    }

    DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options, Renditions renditions,
                    ManifestCache manifests, AtRestKeys atRest) {
        this(storage, links, clock, options, renditions, manifests, atRest, IGNORE_FAILURES);
    }

    private DownloadHandler(StorageBackend storage, SignedLink links, Clock clock, Options options,
                            Renditions renditions, ManifestCache manifests, AtRestKeys atRest,
                            Consumer<String> storageFailures) {
        this.storageFailures = Objects.requireNonNull(storageFailures, "storageFailures");
        this.atRest = Objects.requireNonNull(atRest, "atRest");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.links = Objects.requireNonNull(links, "links");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.manifests = Objects.requireNonNull(manifests, "manifests");
        this.renditionIndexes = ManifestCache.defaults(clock);
        this.renditions = renditions;
    }

    /** The recording and, for a file request, the file name: both already checked against their patterns. */
    record Target(String recordingId, String file) {
        /**
         * @param uri  the request's URI: its path must be spelt exactly as its canonical form (no escapes, no
         *             {@code ;} parameters, no dot segments), so that one recording has one URL and nothing that
         *             Jetty decodes or drops can stand between what was asked for and what is checked
         * @param rest the decoded path after {@value #PREFIX}
         */
        static Target parse(HttpURI uri, String rest) {
            if (!uri.getPath().equals(uri.getCanonicalPath())) {
                return null;
            }
            int slash = rest.indexOf('/');
            String id = slash < 0 ? rest : rest.substring(0, slash);
            String file = slash < 0 ? null : rest.substring(slash + 1);
            if (!SignedLink.RECORDING_ID.matcher(id).matches()
                    || (file != null && !ManifestFiles.FILE_NAME.matcher(file).matches())) {
                return null;
            }
            return new Target(id, file);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        HttpFields.Mutable headers = response.getHeaders();
        SecurityHeaders.apply(headers);
        try {
            serve(request, response, callback, path.substring(PREFIX.length()));
        } catch (Exception e) {
            // Whatever went wrong stays in the log: the client learns only that it was our fault.
            log.warn("download {} failed", path.length() > 200 ? path.substring(0, 200) : path, e);
            if (!response.isCommitted()) {
                headers.remove(HttpHeader.CONTENT_RANGE);
                headers.remove(HttpHeader.ETAG);
                text(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal error.\n");
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    private void serve(Request request, Response response, Callback callback, String rest) throws Exception {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            text(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Only GET and HEAD are allowed.\n");
            return;
        }
        Target target = Target.parse(request.getHttpURI(), rest);
        SignedLink.Verdict verdict = target == null ? null : verifyLink(request, target.recordingId());
        if (verdict == null || !verdict.valid()) {
            log.debug("download refused: {}", verdict == null ? "invalid path" : verdict.outcome());
            forbidden(request, response, callback);
            return;
        }
        ManifestCache.Manifest manifest;
        try {
            Optional<ManifestCache.Manifest> found = manifests.get(target.recordingId(),
                    id -> readIndex(id, ManifestFiles.MANIFEST));
            if (found.isEmpty()) {
                log.debug("download refused: no recording {}", target.recordingId());
                forbidden(request, response, callback);
                return;
            }
            manifest = found.get();
        } catch (StorageException e) {
            unavailable(request, response, callback, target, e);
            return;
        }
        if (target.file() == null) {
            serveManifest(request, response, callback, manifest.json());
            return;
        }
        ManifestFiles.Entry file = manifest.files().get(target.file());
        try {
            if (file == null && target.file().equals(RenditionIndex.NAME)) {
                serveRenditionIndex(request, response, callback, target.recordingId());
                return;
            }
            if (file == null) {
                file = rendition(target.recordingId(), target.file(), manifest.files());
            }
        } catch (StorageException e) {
            unavailable(request, response, callback, target, e);
            return;
        }
        serveFile(request, response, callback, target, file, verdict.expires());
    }

    /** A file {@code renditions.json} lists, made of a file the manifest lists; null if there is no such file. */
    private ManifestFiles.Entry rendition(String recordingId, String name, Map<String, ManifestFiles.Entry> listed)
            throws StorageException, IOException {
        Optional<ManifestCache.Manifest> index = renditionIndexes.get(recordingId,
                id -> readIndex(id, RenditionIndex.NAME));
        ManifestFiles.Entry made = index.map(i -> i.files().get(name)).orElse(null);
        return made != null && made.of() != null && listed.containsKey(made.of()) ? made : null;
    }

    /**
     * The stored index; else, while {@link Renditions} makes it, {@code 202}, and when it cannot now {@code 503},
     * both with {@code Retry-After} and a fixed body (the reason may name storage or disk: it stays in the log).
     */
    private void serveRenditionIndex(Request request, Response response, Callback callback, String recordingId)
            throws StorageException, IOException {
        Optional<ManifestCache.Manifest> index = renditionIndexes.get(recordingId,
                id -> readIndex(id, RenditionIndex.NAME));
        if (index.isPresent()) {
            body(request, response, callback, HttpStatus.OK_200, "application/json", index.get().json());
            return;
        }
        if (renditions == null) {
            text(request, response, callback, HttpStatus.NOT_FOUND_404, NO_RENDITIONS_TEXT);
            return;
        }
        Renditions.Progress progress = renditions.request(recordingId);
        if (progress instanceof Renditions.Later later) {
            log.debug("renditions of {} not now: {}", recordingId, later.reason());
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Math.max(1, later.retryAfter().toSeconds()));
            body(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "application/json", LATER);
        } else {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
            body(request, response, callback, HttpStatus.ACCEPTED_202, "application/json", MAKING);
        }
    }

    private SignedLink.Verdict verifyLink(Request request, String recordingId) {
        Fields query;
        try {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException badEncoding) {
            return new SignedLink.Verdict(SignedLink.Outcome.MALFORMED, null);
        }
        return links.verify(recordingId, single(query, "exp"), single(query, "kid"), single(query, "sig"));
    }

    /** The parameter's one value; null when it is missing or repeated (which one would count is ambiguous). */
    private static String single(Fields query, String name) {
        List<String> values = query.getValues(name);
        return values != null && values.size() == 1 ? values.get(0) : null;
    }

    /** A recording's {@code manifest.json} or {@code renditions.json}: empty when storage has none. */
    private Optional<byte[]> readIndex(String recordingId, String name) throws StorageException, IOException {
        Optional<Long> size = storage.size(recordingId, name);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        if (size.get() > MAX_MANIFEST_BYTES) {
            throw new IOException(name + " of " + recordingId + " has " + size.get() + " bytes, limit "
                    + MAX_MANIFEST_BYTES);
        }
        try (InputStream in = storage.open(recordingId, name, 0, -1)) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new IOException(name + " of " + recordingId + " exceeds " + MAX_MANIFEST_BYTES + " bytes");
            }
            return Optional.of(AtRestFiles.plaintext(bytes, atRest));
        }
    }

    private void serveManifest(Request request, Response response, Callback callback, byte[] manifest) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.VARY, "Accept");
        String accept = String.join(",", request.getHeaders().getValuesList(HttpHeader.ACCEPT));
        if (AcceptHeader.prefersHtml(accept)) {
            headers.put("Content-Security-Policy", player.contentSecurityPolicy(options.redirectToPresigned()));
            body(request, response, callback, HttpStatus.OK_200, "text/html; charset=utf-8", player.html());
        } else {
            body(request, response, callback, HttpStatus.OK_200, "application/json", manifest);
        }
    }

    private void serveFile(Request request, Response response, Callback callback, Target target,
                           ManifestFiles.Entry file, Instant linkExpires) throws IOException {
        if (file == null) {
            // The link is valid, so its holder may see the manifest anyway: saying "not there" reveals nothing.
            text(request, response, callback, HttpStatus.NOT_FOUND_404, NOT_LISTED_TEXT);
            return;
        }
        if (options.redirectToPresigned() && file.stored() == null
                && redirected(request, response, callback, target, linkExpires)) {
            return;
        }
        HttpFields.Mutable headers = response.getHeaders();
        HttpFields requestHeaders = request.getHeaders();
        String etag = file.sha256() == null ? null : EntityTags.strong(file.sha256());
        headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
        if (etag != null) {
            headers.put(HttpHeader.ETAG, etag);
        }
        if (EntityTags.noneMatchHits(requestHeaders.getValuesList(HttpHeader.IF_NONE_MATCH), etag)) {
            response.setStatus(HttpStatus.NOT_MODIFIED_304);
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        long length = file.bytes();
        RangeRequest range = EntityTags.ifRangeAllows(requestHeaders.get(HttpHeader.IF_RANGE), etag)
                ? RangeRequest.parse(requestHeaders.getValuesList(HttpHeader.RANGE), length)
                : RangeRequest.WHOLE;
        if (range instanceof RangeRequest.Unsatisfiable) {
            headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + length);
            text(request, response, callback, HttpStatus.RANGE_NOT_SATISFIABLE_416, "Range not satisfiable.\n");
            return;
        }
        long first = 0;
        long count = length;
        int status = HttpStatus.OK_200;
        if (range instanceof RangeRequest.Part part) {
            first = part.first();
            count = part.length();
            status = HttpStatus.PARTIAL_CONTENT_206;
            headers.put(HttpHeader.CONTENT_RANGE, part.contentRange(length));
        }
        headers.put(HttpHeader.CONTENT_TYPE, contentType(file.name()));
        headers.put(HttpHeader.CONTENT_LENGTH, count);
        if ("HEAD".equals(request.getMethod()) || count == 0) {
            response.setStatus(status);
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        InputStream in;
        try {
            in = file.stored() == null ? storage.open(target.recordingId(), file.name(), first, count)
                    : openDecrypted(target.recordingId(), file, first, count);
        } catch (StorageException e) {
            headers.remove(HttpHeader.CONTENT_RANGE);
            headers.remove(HttpHeader.ETAG);
            headers.remove(HttpHeader.ACCEPT_RANGES);
            unavailable(request, response, callback, target, e);
            return;
        }
        response.setStatus(status);
        // Read and sent one pooled buffer at a time; the source closes the stream at its end or on failure.
        ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), false,
                STREAM_BUFFER_BYTES);
        Content.copy(Content.Source.from(buffers, in), response, Callback.from(callback::succeeded, failure -> {
            // A chunk that does not authenticate ends the body early: the client sees a cut, never altered bytes.
            log.warn("download of {}/{} ended early: {}", target.recordingId(), file.name(), failure.toString());
            callback.failed(failure);
        }));
    }

    /**
     * The plaintext bytes {@code [first, first + count)} of an encrypted file: reads its header, then only the
     * chunks holding that range.
     *
     * @throws SealedFileException when the stored file does not match the manifest or cannot be decrypted
     */
    private InputStream openDecrypted(String recordingId, ManifestFiles.Entry file, long first, long count)
            throws StorageException, IOException {
        long storedLength = file.stored().bytes();
        SealedHeader header;
        try (InputStream in = storage.open(recordingId, file.name(), 0, SealedHeader.LENGTH)) {
            header = SealedInputStream.readHeader(in);
        }
        if (header.plainLength(storedLength) != file.bytes()) {
            throw new SealedFileException(file.name() + " of " + recordingId + ": the manifest says " + file.bytes()
                    + " bytes, its stored form of " + storedLength + " bytes holds " + header.plainLength(storedLength));
        }
        SealedHeader.StoredRange range = header.storedRange(first, count, storedLength);
        InputStream stored = storage.open(recordingId, file.name(), range.offset(), range.length());
        try {
            return SealedInputStream.range(stored, header, atRest, storedLength, first, count);
        } catch (IOException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    private boolean redirected(Request request, Response response, Callback callback, Target target,
                               Instant linkExpires) {
        Instant latest = clock.instant().plus(MAX_PRESIGN);
        Instant expires = linkExpires.isBefore(latest) ? linkExpires : latest;
        Optional<URI> url;
        try {
            url = storage.presign(target.recordingId(), target.file(), expires);
        } catch (StorageException e) {
            log.warn("cannot presign {}/{} ({}); streaming it instead", target.recordingId(), target.file(),
                    e.getMessage());
            return false;
        }
        if (url.isEmpty()) {
            return false;
        }
        response.getHeaders().put(HttpHeader.LOCATION, url.get().toString());
        text(request, response, callback, HttpStatus.FOUND_302, "The file is at its storage location.\n");
        return true;
    }

    private void unavailable(Request request, Response response, Callback callback, Target target,
                             StorageException e) {
        if (e.retryable()) {
            log.warn("download of {} while storage is unavailable: {}", target.recordingId(), e.getMessage());
            storageFailures.accept(e.getMessage());
            response.getHeaders().put(HttpHeader.RETRY_AFTER, 30);
            text(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "Storage is unavailable; try again shortly.\n");
        } else {
            log.warn("download of {} failed in storage: {}", target.recordingId(), e.getMessage());
            text(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal error.\n");
        }
    }

    static String contentType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".mkv")) {
            return "video/x-matroska";
        } else if (lower.endsWith(".pcap")) {
            return "application/vnd.tcpdump.pcap";
        } else if (lower.endsWith(".json")) {
            return "application/json";
        } else if (lower.endsWith(".webm")) {
            return "video/webm";
        } else if (lower.endsWith(".mp4")) {
            return "video/mp4";
        }
        return "application/octet-stream";
    }

    private static void forbidden(Request request, Response response, Callback callback) {
        body(request, response, callback, HttpStatus.FORBIDDEN_403, "text/plain; charset=utf-8", FORBIDDEN);
    }

    private static void text(Request request, Response response, Callback callback, int status, String text) {
        body(request, response, callback, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a small in-memory body ({@code content} is not modified); HEAD gets the headers only. */
    private static void body(Request request, Response response, Callback callback, int status, String type,
                             byte[] content) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
        boolean head = "HEAD".equals(request.getMethod());
        response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(content).asReadOnlyBuffer(), callback);
    }
}

package io.callrec.storage.s3;

import io.callrec.storage.ContentMismatchException;
import io.callrec.storage.LocalStorageProbe;
import io.callrec.storage.ObjectNames;
import io.callrec.storage.ObjectNotFoundException;
import io.callrec.storage.Sha256;
import io.callrec.storage.StorageBackend;
import io.callrec.storage.StorageException;
import io.callrec.storage.StorageStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Recordings in an S3-compatible object store, keyed {@code recordings/{id}/{name}} in one bucket.
 *
 * <p>Uploads: files below {@link #MULTIPART_THRESHOLD} in one PUT, larger ones in parts of {@link #PART_SIZE}. Each
 * request carries the SHA-256 of its bytes ({@code x-amz-checksum-sha256}) so that the store rejects anything
 * damaged on the way; stores that do not implement flexible checksums (they answer 501, as S3Proxy 2.6 does) get
 * the same uploads without it, noticed once and logged. After the upload the object's size is checked, and its
 * SHA-256: the store's own (whole-object, or composite for multipart) when it keeps one, else by reading the object
 * back. An interrupted multipart upload is resumed by the next {@link #put}: parts already stored whose size and
 * checksum (or MD5 ETag) match are not sent again.
 *
 * <p>Probing: the local spool's free-space floor, then {@code HeadBucket} with a {@link #PROBE_TIMEOUT}.
 */
public final class S3StorageBackend implements StorageBackend {
    public static final long MULTIPART_THRESHOLD = 16L << 20;
    public static final int PART_SIZE = 8 << 20;
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** SigV4 presigned URLs live at most a week. */
    public static final Duration MAX_PRESIGN = Duration.ofDays(7);
    /** One attempt may take this long: a part at 1 Mbit/s needs about a minute. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageBackend.class);
    private static final String SHA256_METADATA = "sha256";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Location location;
    private final LocalStorageProbe spoolProbe;
    private final Clock clock;
    /** Cleared, for good, by the first 501 to a request that carries a flexible checksum. */
    private volatile boolean storeTakesChecksums = true;
    private final AtomicBoolean toldNoChecksums = new AtomicBoolean();

    /**
     * @param spoolProbe checks the local disk that recordings are written to before upload; null: not checked
     */
    S3StorageBackend(S3Client s3, S3Presigner presigner, S3Location location, LocalStorageProbe spoolProbe,
                     Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.location = Objects.requireNonNull(location, "location");
        this.spoolProbe = spoolProbe;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param credentials normally {@code DefaultCredentialsProvider} (environment, profile, instance role)
     * @param spoolProbe  the local spool's floor, checked by {@link #probe()} and {@link #allocate}; null: none
     * @throws IllegalArgumentException when no region is given and none can be found in the AWS environment
     */
    public static S3StorageBackend open(S3Location location, AwsCredentialsProvider credentials,
                                        LocalStorageProbe spoolProbe, Clock clock) {
        Region region = region(location);
        S3Configuration service = S3Configuration.builder()
                .pathStyleAccessEnabled(location.pathStyle())
                // aws-chunked bodies are kept as Content-Encoding by some S3-compatible servers (S3Proxy), which
                // then confuses browsers fetching a presigned URL; a plain body is signed whole instead.
                .chunkedEncodingEnabled(false)
                .build();
        S3ClientBuilder client = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(service)
                // The SDK's default CRC32 trailers are refused by many S3-compatible servers; we send SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(ATTEMPT_TIMEOUT));
        S3Presigner.Builder presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(service);
        location.endpoint().ifPresent(e -> {
            client.endpointOverride(e);
            presigner.endpointOverride(e);
        });
        return new S3StorageBackend(client.build(), presigner.build(), location, spoolProbe, clock);
    }

    private static Region region(S3Location location) {
        if (location.region().isPresent()) {
            return Region.of(location.region().get());
        }
        if (location.endpoint().isPresent()) {
            return Region.US_EAST_1; // S3-compatible servers mostly ignore it, but SigV4 needs one
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            throw new IllegalArgumentException("no region for " + location + ": add ?region=R or set AWS_REGION");
        }
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public StorageStatus probe() {
        if (spoolProbe != null) {
            StorageStatus local = spoolProbe.probe();
            if (!local.available()) {
                return local;
            }
        }
        try {
            s3.headBucket(b -> b.bucket(location.bucket())
                    .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT)));
            return StorageStatus.up(clock.instant());
        } catch (NoSuchBucketException e) {
            return StorageStatus.down("bucket " + location.bucket() + " does not exist", clock.instant());
        } catch (SdkException e) {
            return StorageStatus.down("bucket " + location.bucket() + ": " + brief(e), clock.instant());
        }
    }

    @Override
    public void allocate(String recordingId) throws StorageException {
        ObjectNames.checkId(recordingId);
        // An object store has no directories to make: the space exists once its first object does.
        StorageStatus s = probe();
        if (!s.available()) {
            throw new StorageException(s.reason(), true);
        }
    }

    @Override
    public void put(String recordingId, String name, Path file, String sha256) throws StorageException {
        String key = ObjectNames.key(recordingId, name);
        if (!Sha256.isHex(sha256)) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new StorageException("no file to store: " + file, false, e);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e, true, e);
        }
        try {
            if (alreadyStored(key, file, size, sha256)) {
                LOG.debug("{} is already stored", key);
                return;
            }
            String checksum = size < MULTIPART_THRESHOLD ? putWhole(key, file, sha256)
                    : putInParts(key, file, size, sha256);
            verify(key, size, sha256, checksum);
        } catch (SdkException e) {
            throw new StorageException("uploading " + key + " (" + size + " bytes) failed: " + brief(e), true, e);
        } catch (IOException e) {
            throw new StorageException("reading " + file + " failed: " + e, true, e);
        }
    }

    /** Retries after a crash must not send a whole recording again when it arrived before the crash. */
    private boolean alreadyStored(String key, Path file, long size, String sha256) throws IOException, StorageException {
        HeadObjectResponse h;
        try {
            h = head(key);
        } catch (NoSuchKeyException e) {
            return false;
        }
        if (h.contentLength() != size || !sha256.equals(h.metadata().get(SHA256_METADATA))) {
            return false;
        }
        try {
            verify(h, key, size, sha256, storedChecksum(file, size));
            return true;
        } catch (StorageException e) {
            LOG.warn("{} is stored but does not verify, uploading again: {}", key, e.getMessage());
            return false;
        }
    }

    /** @return the base64 SHA-256 that the store will report for the object */
    private String putWhole(String key, Path file, String sha256) throws IOException, ContentMismatchException {
        byte[] data = Files.readAllBytes(file);
        byte[] digest = Sha256.newDigest().digest(data);
        checkSource(file, sha256, Sha256.hex(digest));
        String checksum = Base64.getEncoder().encodeToString(digest);
        withChecksums(on -> s3.putObject(b -> {
            b.bucket(location.bucket()).key(key).contentLength((long) data.length)
                    .metadata(Map.of(SHA256_METADATA, sha256));
            if (on) {
                b.checksumSHA256(checksum);
            }
        }, body(data, data.length)));
        return checksum;
    }

    /** @return the composite checksum the store will report: SHA-256 of the parts' SHA-256s, then "-" parts */
    private String putInParts(String key, Path file, long size, String sha256) throws IOException, StorageException {
        String uploadId = null;
        Map<Integer, Part> stored = Map.of();
        Optional<MultipartUpload> earlier = unfinishedUpload(key);
        if (earlier.isPresent()) {
            uploadId = earlier.get().uploadId();
            stored = storedParts(key, uploadId);
            if (stored == null) {
                uploadId = null; // it went away (completed, aborted, expired) since the listing
                stored = Map.of();
            }
        }
        if (uploadId == null) {
            uploadId = withChecksums(on -> s3.createMultipartUpload(b -> {
                b.bucket(location.bucket()).key(key).metadata(Map.of(SHA256_METADATA, sha256));
                if (on) {
                    b.checksumAlgorithm(ChecksumAlgorithm.SHA256);
                }
            })).uploadId();
        }
        String id = uploadId;
        MessageDigest whole = Sha256.newDigest();
        MessageDigest ofParts = Sha256.newDigest();
        List<CompletedPart> completed = new ArrayList<>();
        byte[] buf = new byte[PART_SIZE];
        long resumed = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int number = 1; ; number++) {
                int n = readFully(ch, buf);
                if (n == 0) {
                    break;
                }
                whole.update(buf, 0, n);
                MessageDigest part = Sha256.newDigest();
                part.update(buf, 0, n);
                byte[] digest = part.digest();
                ofParts.update(digest);
                String checksum = Base64.getEncoder().encodeToString(digest);
                Part have = stored.get(number);
                if (have != null && sameContent(have, n, checksum, buf)) {
                    completed.add(CompletedPart.builder().partNumber(number).eTag(have.eTag())
                            .checksumSHA256(have.checksumSHA256()).build());
                    resumed += n;
                    continue;
                }
                int partNumber = number;
                String eTag = withChecksums(on -> s3.uploadPart(b -> {
                    b.bucket(location.bucket()).key(key).uploadId(id).partNumber(partNumber)
                            .contentLength((long) n);
                    if (on) {
                        b.checksumSHA256(checksum);
                    }
                }, body(buf, n))).eTag();
                completed.add(CompletedPart.builder().partNumber(number).eTag(eTag)
                        .checksumSHA256(storeTakesChecksums ? checksum : null).build());
            }
        }
        String actual = Sha256.hex(whole.digest());
        if (!actual.equals(sha256)) {
            abort(key, id);
            throw new ContentMismatchException(file + " (" + size + " bytes) has SHA-256 " + actual + ", expected "
                    + sha256);
        }
        if (resumed > 0) {
            LOG.info("{}: resumed an interrupted upload, {} of {} bytes were already stored", key, resumed, size);
        }
        try {
            s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(completed)));
        } catch (S3Exception e) {
            if (e.statusCode() == 400 || e.statusCode() == 404) {
                abort(key, id); // parts the store will not accept: start afresh next time, never loop on them
            }
            throw e;
        }
        return Base64.getEncoder().encodeToString(ofParts.digest()) + "-" + completed.size();
    }

    /** The newest multipart upload of exactly this key that was begun and never completed. */
    private Optional<MultipartUpload> unfinishedUpload(String key) {
        List<MultipartUpload> uploads = new ArrayList<>();
        for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(location.bucket()).prefix(key))
                .uploads()) {
            if (u.key().equals(key)) {
                uploads.add(u);
            }
        }
        uploads.sort(Comparator.comparing(MultipartUpload::initiated,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        for (int i = 0; i < uploads.size() - 1; i++) {
            abort(key, uploads.get(i).uploadId()); // older leftovers only cost storage
        }
        return uploads.isEmpty() ? Optional.empty() : Optional.of(uploads.get(uploads.size() - 1));
    }

    /** @return part number to part, or null when the upload no longer exists */
    private Map<Integer, Part> storedParts(String key, String uploadId) {
        Map<Integer, Part> parts = new HashMap<>();
        try {
            for (Part p : s3.listPartsPaginator(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId))
                    .parts()) {
                parts.put(p.partNumber(), p);
            }
        } catch (NoSuchUploadException e) {
            return null;
        }
        return parts;
    }

    private static boolean sameContent(Part have, int size, String checksum, byte[] buf) {
        if (have.size() == null || have.size() != size) {
            return false;
        }
        if (have.checksumSHA256() != null) {
            return have.checksumSHA256().equals(checksum);
        }
        // Without flexible checksums a part's ETag is the MD5 of its bytes (S3, S3Proxy, MinIO).
        String eTag = have.eTag() == null ? "" : have.eTag().replace("\"", "");
        return eTag.equals(HexFormat.of().formatHex(md5(buf, size)));
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.debug("could not abort upload {} of {}: {}", uploadId, key, brief(e));
        }
    }

    private void verify(String key, long size, String sha256, String checksum) throws StorageException,
            IOException {
        verify(head(key), key, size, sha256, checksum);
    }

    private void verify(HeadObjectResponse h, String key, long size, String sha256, String checksum)
            throws StorageException, IOException {
        if (h.contentLength() == null || h.contentLength() != size) {
            throw new StorageException(key + " is stored with " + h.contentLength() + " bytes, expected " + size,
                    true);
        }
        if (h.checksumSHA256() != null) {
            if (!sameChecksum(h.checksumSHA256(), checksum)) {
                throw new StorageException(key + " is stored with SHA-256 " + h.checksumSHA256() + ", expected "
                        + checksum, true);
            }
            return;
        }
        // The store keeps no SHA-256 of its own: read the object back.
        try (InputStream in = s3.getObject(b -> b.bucket(location.bucket()).key(key))) {
            String actual = Sha256.of(in);
            if (!actual.equals(sha256)) {
                throw new StorageException(key + " (" + size + " bytes) reads back with SHA-256 " + actual
                        + ", expected " + sha256, true);
            }
        }
    }

    /**
     * A multipart object's composite checksum carries its part count ({@code base64-N}) in HEAD answers; a store
     * that leaves the count off is compared on the digest alone.
     */
    static boolean sameChecksum(String stored, String expected) {
        if (stored.equals(expected)) {
            return true;
        }
        int dash = expected.lastIndexOf('-');
        return dash > 0 && stored.indexOf('-') < 0 && stored.equals(expected.substring(0, dash));
    }

    private HeadObjectResponse head(String key) {
        return withChecksums(on -> s3.headObject(b -> {
            b.bucket(location.bucket()).key(key);
            if (on) {
                b.checksumMode(ChecksumMode.ENABLED);
            }
        }));
    }

    /** What {@link #verify} expects from the store for an object uploaded from {@code file}. */
    private static String storedChecksum(Path file, long size) throws IOException {
        if (size < MULTIPART_THRESHOLD) {
            return Base64.getEncoder().encodeToString(Sha256.newDigest().digest(Files.readAllBytes(file)));
        }
        MessageDigest ofParts = Sha256.newDigest();
        byte[] buf = new byte[PART_SIZE];
        int parts = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = readFully(ch, buf)) > 0; parts++) {
                MessageDigest part = Sha256.newDigest();
                part.update(buf, 0, n);
                ofParts.update(part.digest());
            }
        }
        return Base64.getEncoder().encodeToString(ofParts.digest()) + "-" + parts;
    }

    private <T> T withChecksums(Function<Boolean, T> call) {
        if (storeTakesChecksums) {
            try {
                return call.apply(true);
            } catch (S3Exception e) {
                if (e.statusCode() != 501) {
                    throw e;
                }
                storeTakesChecksums = false;
                if (toldNoChecksums.compareAndSet(false, true)) {
                    LOG.warn("{} does not implement flexible checksums (501): uploads go without "
                            + "x-amz-checksum-sha256 and are verified by reading them back", location);
                }
            }
        }
        return call.apply(false);
    }

    private static void checkSource(Path file, String expected, String actual) throws IOException,
            ContentMismatchException {
        if (!actual.equals(expected)) {
            throw new ContentMismatchException(file + " (" + Files.size(file) + " bytes) has SHA-256 " + actual
                    + ", expected " + expected);
        }
    }

    /** The SDK reads the body more than once (signing, retries); each read gets a fresh stream over the array. */
    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length,
                "application/octet-stream");
    }

    private static int readFully(FileChannel ch, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (bb.hasRemaining() && ch.read(bb) >= 0) {
            // keep reading: a file channel may return short reads
        }
        return bb.position();
    }

    private static byte[] md5(byte[] buf, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(buf, 0, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    @Override
    public Optional<Long> size(String recordingId, String name) throws StorageException {
        String key = ObjectNames.key(recordingId, name);
        try {
            return Optional.of(s3.headObject(b -> b.bucket(location.bucket()).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new StorageException("HEAD " + key + " failed: " + brief(e), true, e);
        }
    }

    @Override
    public InputStream open(String recordingId, String name, long offset, long length) throws StorageException {
        String key = ObjectNames.key(recordingId, name);
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0: " + offset);
        }
        if (length == 0) {
            if (size(recordingId, name).isEmpty()) {
                throw new ObjectNotFoundException(recordingId, name);
            }
            return InputStream.nullInputStream(); // S3 has no empty Range
        }
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(location.bucket()).key(key);
        if (offset > 0 || length > 0) {
            get.range("bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1)));
        }
        try {
            return s3.getObject(get.build());
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(recordingId, name);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                if (size(recordingId, name).orElse(-1L) == offset) {
                    return InputStream.nullInputStream(); // at the very end: nothing to read, as with a file
                }
                throw new StorageException("offset " + offset + " is beyond the end of " + key, false, e);
            }
            throw new StorageException("GET " + key + " failed: " + brief(e), true, e);
        } catch (SdkException e) {
            throw new StorageException("GET " + key + " failed: " + brief(e), true, e);
        }
    }

    /** Capped at {@link #MAX_PRESIGN}: such a URL may expire earlier than asked, never later. */
    @Override
    public Optional<URI> presign(String recordingId, String name, Instant expires) throws StorageException {
        String key = ObjectNames.key(recordingId, name);
        Duration ttl = Duration.between(clock.instant(), expires);
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new StorageException("cannot presign " + key + ": " + expires + " has passed", false);
        }
        Duration capped = ttl.compareTo(MAX_PRESIGN) > 0 ? MAX_PRESIGN : ttl;
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(capped)
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(key))).url().toURI());
        } catch (SdkException e) {
            throw new StorageException("cannot presign " + key + ": " + brief(e), true, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK made an invalid URL", e);
        }
    }

    @Override
    public void close() {
        s3.close();
        presigner.close();
    }

    /** A few words for logs and {@code storage-status}: the HTTP status and code, or the network problem. */
    static String brief(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            return "HTTP " + s.statusCode() + (code == null || code.isEmpty() ? "" : " " + code);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 160 ? message.substring(0, 160) + "…" : message;
    }
}

package io.callrec.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy's jar-with-dependencies run as its own JVM (its libraries never meet ours) on
 * 127.0.0.1, storing into a directory under {@code target/}. It can be killed hard and started again on the same
 * port and directory, as a store that crashes and comes back.
 */
public final class S3ProxyProcess implements AutoCloseable {
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("callrec-test", "callrec-test-secret"));

    private final Path work;
    private final Path blobs;
    private final int port;
    private Process process;

    private S3ProxyProcess(Path work, int port) {
        this.work = work;
        this.blobs = work.resolve("blobs");
        this.port = port;
    }

    /** Starts S3Proxy on a free port with an empty store in {@code work}. */
    public static S3ProxyProcess start(Path work) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3ProxyProcess p = new S3ProxyProcess(work, port);
        Files.createDirectories(p.blobs);
        Files.writeString(work.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=callrec-test",
                "s3proxy.credential=callrec-test-secret",
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=callrec-test",
                "jclouds.credential=callrec-test-secret",
                "jclouds.filesystem.basedir=" + p.blobs.toAbsolutePath(),
                ""));
        p.restart();
        return p;
    }

    /** Starts the process again (same port, same store) and waits until it accepts connections. */
    public void restart() throws IOException, InterruptedException {
        String jar = System.getProperty("s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property s3proxy.jar must name S3Proxy's "
                    + "jar-with-dependencies (the pom sets it): " + jar);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar,
                "--properties", work.resolve("s3proxy.properties").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("s3proxy.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ", see "
                        + work.resolve("s3proxy.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
    }

    /** SIGKILL: no goodbye, like a crash or a pulled cable. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where S3Proxy keeps buckets, objects and the parts of unfinished multipart uploads. */
    public Path blobs() {
        return blobs;
    }

    public S3Location location(String bucket) {
        return new S3Location(bucket, Optional.of(endpoint()), Optional.of("us-east-1"));
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint())
                .forcePathStyle(true).credentialsProvider(CREDENTIALS).build()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    public S3StorageBackend backend(String bucket) {
        return S3StorageBackend.open(location(bucket), CREDENTIALS, null, Clock.systemUTC());
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.callrec.storage.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an S3 store is: {@code s3://BUCKET?endpoint=URL&region=R}. Never holds credentials (they come from the AWS
 * default provider chain), so {@link #toString()} is safe to log.
 *
 * @param endpoint an S3-compatible server (MinIO, Ceph, S3Proxy...); empty for AWS itself
 * @param region   empty: taken from the AWS environment, or {@code us-east-1} with an endpoint
 */
public record S3Location(String bucket, Optional<URI> endpoint, Optional<String> region) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("not a bucket name: '" + bucket + "'");
        }
        endpoint.ifPresent(S3Location::checkEndpoint);
        region.ifPresent(r -> {
            if (!REGION.matcher(r).matches()) {
                throw new IllegalArgumentException("not a region name: '" + r + "'");
            }
        });
    }

    /** @throws IllegalArgumentException saying what is wrong with the URI */
    public static S3Location parse(URI uri) {
        if (!"s3".equalsIgnoreCase(uri.getScheme()) || uri.isOpaque() || uri.getAuthority() == null) {
            throw new IllegalArgumentException("not s3://BUCKET?endpoint=URL&region=R: " + uri);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("an s3 storage URI has no path: " + uri);
        }
        if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an s3 storage URI has no fragment and no user info: " + uri);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!name.equals("endpoint") && !name.equals("region")) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' (known: endpoint, region)");
            }
            if (parameters.put(name, value) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice");
            }
        }
        Optional<URI> endpoint = Optional.ofNullable(parameters.get("endpoint")).map(e -> {
            try {
                return new URI(e);
            } catch (URISyntaxException ex) {
                throw new IllegalArgumentException("endpoint '" + e + "' is not a URL");
            }
        });
        return new S3Location(uri.getAuthority(), endpoint, Optional.ofNullable(parameters.get("region")));
    }

    private static void checkEndpoint(URI e) {
        String scheme = e.getScheme() == null ? "" : e.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || e.getHost() == null) {
            throw new IllegalArgumentException("endpoint '" + e + "' is not an http:// or https:// URL with a host");
        }
    }

    /**
     * S3-compatible servers rarely have the wildcard DNS that virtual-host buckets need, so with an endpoint the
     * bucket goes into the path.
     */
    public boolean pathStyle() {
        return endpoint.isPresent();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("s3://").append(bucket);
        endpoint.ifPresent(e -> b.append("?endpoint=").append(e));
        region.ifPresent(r -> b.append(endpoint.isPresent() ? '&' : '?').append("region=").append(r));
        return b.toString();
    }
}

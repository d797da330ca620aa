package io.callrec.storage.s3;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3LocationTest {
    @Test
    void bucketEndpointAndRegion() {
        S3Location l = S3Location.parse(URI.create(
                "s3://callrec-recordings?endpoint=https%3A%2F%2Fs3.example.net%3A9000&region=eu-west-1"));
        assertEquals("callrec-recordings", l.bucket());
        assertEquals(Optional.of(URI.create("https://s3.example.net:9000")), l.endpoint());
        assertEquals(Optional.of("eu-west-1"), l.region());
        assertTrue(l.pathStyle(), "an S3-compatible endpoint gets path-style requests");
        assertEquals("s3://callrec-recordings?endpoint=https://s3.example.net:9000&region=eu-west-1", l.toString());
    }

    @Test
    void awsItselfNeedsNeitherParameter() {
        S3Location l = S3Location.parse(URI.create("s3://my.bucket/"));
        assertEquals(Optional.empty(), l.endpoint());
        assertFalse(l.pathStyle());
        assertEquals("s3://my.bucket", l.toString());
        assertEquals("s3://b12?region=us-east-2", S3Location.parse(URI.create("s3://b12?region=us-east-2")).toString());
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertMessage("s3://Bucket_1", "bucket");
        assertMessage("s3://ab", "bucket");
        assertMessage("s3://a..b", "bucket");
        assertMessage("s3://bucket/prefix", "no path");
        assertMessage("s3://bucket?endpoint=ftp://x", "http");
        assertMessage("s3://bucket?region=EU", "region");
        assertMessage("s3://bucket?secret=x", "unknown parameter");
        assertMessage("s3://bucket?region=a&region=b", "twice");
        assertMessage("s3://key:secret@bucket", "user info");
        assertMessage("file:/x", "s3://");
    }

    private static void assertMessage(String uri, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Location.parse(URI.create(uri)), uri);
        assertTrue(e.getMessage().contains(part), uri + ": " + e.getMessage());
    }
}

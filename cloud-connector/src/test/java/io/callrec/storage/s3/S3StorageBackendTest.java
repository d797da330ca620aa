package io.callrec.storage.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ConnectException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of the S3 backend that need no server; the rest is S3StorageBackendIT. */
class S3StorageBackendTest {
    @Test
    void compositeChecksumsCompareWithOrWithoutTheirPartCount() {
        assertTrue(S3StorageBackend.sameChecksum("abc=", "abc="));
        assertTrue(S3StorageBackend.sameChecksum("abc=-5", "abc=-5"));
        assertTrue(S3StorageBackend.sameChecksum("abc=", "abc=-5"), "a store that leaves the count off");
        assertFalse(S3StorageBackend.sameChecksum("abc=-4", "abc=-5"));
        assertFalse(S3StorageBackend.sameChecksum("abd=", "abc=-5"));
        assertFalse(S3StorageBackend.sameChecksum("abc=", "abd="));
    }

    @Test
    void failuresAreToldInAFewWords() {
        S3Exception slowDown = (S3Exception) S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").build()).build();
        assertEquals("HTTP 503 SlowDown", S3StorageBackend.brief(slowDown));
        assertEquals("HTTP 403", S3StorageBackend.brief(S3Exception.builder().statusCode(403).build()));
        SdkClientException refused = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new ConnectException("Connection refused")).build();
        assertEquals("Connection refused", S3StorageBackend.brief(refused));
        String longOne = S3StorageBackend.brief(SdkClientException.create("x".repeat(500)));
        assertEquals(161, longOne.length());
    }
}

package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callrec.control.ControlMessage.ConsentAsk;
import io.callrec.control.ControlMessage.RecordingError;
import io.callrec.control.ControlMessage.RecordingReady;
import io.callrec.control.ControlMessage.RecordingStarted;
import io.callrec.control.ControlMessage.StorageStatus;
import io.callrec.record.RecordingMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlainTextsTest {

    @Test
    void theDefaultPromptIsTheSpecsExample() {
        assertEquals(Optional.of("alice@example.com asks to record this call. Reply YES or NO, or press 1 or 2."),
                PlainTexts.defaults().render(new ConsentAsk("c-1", "<sip:alice@example.com>", RecordingMode.BOTH)));
    }

    @Test
    void aConfiguredPromptNamesTheModeAndTheCodesFollowTheConfiguration() {
        FeatureCodes codes = FeatureCodes.of(Map.of(FeatureCode.PAUSE, "#4", FeatureCode.RESUME, "#5",
                FeatureCode.STOP, "#2"));
        PlainTexts texts = new PlainTexts("{from} would like to record {mode}. 1 = yes, 2 = no", codes);
        assertEquals("bob@example.com would like to record your side of the call. 1 = yes, 2 = no",
                texts.prompt("sips:bob@example.com", RecordingMode.PEER));
        assertEquals(Optional.of("Recording started (the other party only). Press #4 to pause, #5 to resume, #2 to stop."),
                texts.render(new RecordingStarted("r-1", RecordingMode.PEER, null)));
    }

    @Test
    void errorsLinksAndStatus() {
        PlainTexts texts = PlainTexts.defaults();
        assertEquals(Optional.of("Not recording: storage is unavailable. Try again in 30 s."),
                texts.render(new RecordingError(ErrorCode.STORAGE_UNAVAILABLE, "storage is unavailable", null, 30)));
        assertEquals(Optional.of("Recording failed: disk full."),
                texts.render(new RecordingError(ErrorCode.DISK_FULL, "disk full", "r-1", null)));
        assertEquals(Optional.of("Call recording ready: https://h/recordings/r-1?sig=x (expires 2026-12-01 10:00 UTC)"),
                texts.render(new RecordingReady("r-1", "https://h/recordings/r-1?sig=x",
                        Instant.parse("2026-12-01T10:00:00Z"))));
        assertEquals(Optional.empty(), texts.render(new StorageStatus(false, "down")), "not for people");
    }
}

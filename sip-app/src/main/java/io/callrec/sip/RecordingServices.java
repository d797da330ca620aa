package io.callrec.sip;

import io.callrec.control.ConsentLog;
import io.callrec.control.ControlSettings;
import io.callrec.control.StartResult;
import io.callrec.control.StorageAvailability;
import io.callrec.record.Recorder;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the B2BUA needs for recording control, from the composition root.
 *
 * @param recorder   records calls
 * @param courier    delivers links
 * @param settings   consent policy, timeouts, feature codes, texts
 * @param consentLog the audit log of consent decisions
 * @param storage    whether storage can take a recording now
 * @param allocate   allocates a recording's space in storage: empty when done, else why not
 * @param rawCapture also keep each party's packets as pcap
 */
public record RecordingServices(Recorder recorder, LinkCourier courier, ControlSettings settings,
                                ConsentLog consentLog, Supplier<StorageAvailability> storage,
                                Function<String, Optional<StartResult.Failed>> allocate, boolean rawCapture) {
    public RecordingServices {
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(courier, "courier");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(consentLog, "consentLog");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(allocate, "allocate");
    }
}

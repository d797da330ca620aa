package io.callrec.record.mkv;

import io.callrec.testing.media.MediaFrame;
import io.callrec.testing.media.MediaTrack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Hands the frames of several tracks to a {@link MatroskaWriter} the way a recorder would: in arrival order, where
 * track {@code i}'s frames arrive {@code lagMicros[i]} after their timeline position (so tracks overtake each
 * other), with a {@code flush()} every 200 ms of arrival time.
 */
final class MkvFeeder {
    static final long FLUSH_EVERY_MICROS = 200_000;

    private record Arrival(long at, int track, MediaFrame frame) {
    }

    private MkvFeeder() {
    }

    /**
     * Feeds all frames; tracks are added when their first frame arrives.
     *
     * @param stopAtMicros arrival time after which nothing more is fed (a crash), or Long.MAX_VALUE
     * @return per track, how many frames were handed over
     */
    static int[] feed(MatroskaWriter writer, List<MediaTrack> tracks, long[] lagMicros, long stopAtMicros)
            throws IOException {
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            for (MediaFrame f : tracks.get(i).frames()) {
                arrivals.add(new Arrival(f.timeMicros() + lagMicros[i], i, f));
            }
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at));
        int[] numbers = new int[tracks.size()];
        int[] fed = new int[tracks.size()];
        long nextFlush = FLUSH_EVERY_MICROS;
        for (Arrival a : arrivals) {
            if (a.at() > stopAtMicros) {
                break;
            }
            while (a.at() >= nextFlush) {
                writer.flush();
                nextFlush += FLUSH_EVERY_MICROS;
            }
            if (numbers[a.track()] == 0) {
                numbers[a.track()] = writer.addTrack(tracks.get(a.track()).format(), "track" + a.track());
            }
            writer.write(numbers[a.track()], a.frame().timeMicros(), a.frame().keyframe(), a.frame().buffer());
            fed[a.track()]++;
        }
        return fed;
    }
}

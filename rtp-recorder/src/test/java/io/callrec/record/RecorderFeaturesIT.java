package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callrec.media.relay.Side;
import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import io.callrec.testing.media.Impairments;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause/resume with raw capture, and a recorder that cannot keep up: forwarding is never affected. */
class RecorderFeaturesIT {
    @TempDir
    Path data;

    @Test
    void aPauseWritesNothingRawCaptureIncludedAndTheTimelineKeepsTheGap() throws Exception {
        try (RecordingScenario call = new RecordingScenario(27000, 5);
             Recorder recorder = new Recorder(RecorderConfig.under(data), new RecordingListener() { })) {
            MediaFork fork = recorder.fork(call.session);
            RecordingSession rec = recorder.start(fork, new RecordingSpec("paused", RecordingMode.BOTH, Side.A,
                    "a", "b", "ca", "cb", true, List.of()), RecordingScenario.formats());
            call.standardCall(Impairments.NONE);
            CompletableFuture<?> playing = call.player.start();
            Thread.sleep(1500);
            rec.pause();
            assertEquals(RecordingSession.State.PAUSED, rec.state());
            Thread.sleep(1000);
            rec.resume();
            playing.get(30, TimeUnit.SECONDS);
            Thread.sleep(300);
            Path dir = rec.stop().get(30, TimeUnit.SECONDS).directory();

            JsonNode manifest = Manifest.JSON.readTree(dir.resolve("manifest.json").toFile());
            JsonNode pause = manifest.get("pauses").get(0);
            double from = pause.get("fromMs").asDouble();
            double to = pause.get("toMs").asDouble();
            assertEquals(1000, to - from, 150, "one pause of about a second: " + pause);
            // requester audio (PCMA, 20 ms) is sent from 0.3 s to 4 s: minus the paused second
            Ffprobe requester = Ffprobe.probe(dir.resolve("requester.mkv"));
            int audio = RecordingScenario.kindIndexAbs(requester, "audio");
            int audioPackets = requester.streamInt(audio, "nb_read_packets");
            assertEquals((3700 - (to - from)) / 20, audioPackets, 8, "no audio written during the pause");
            List<Ffprobe.Packet> packets = Ffprobe.packets(dir.resolve("requester.mkv"));
            boolean gap = false;
            double last = -1;
            for (Ffprobe.Packet p : packets) {
                if (p.stream() == audio) {
                    if (last >= 0 && p.ptsSeconds() - last > 0.8) {
                        gap = true;
                    }
                    last = p.ptsSeconds();
                }
            }
            assertTrue(gap, "the timeline keeps the gap");
            assertEquals("", Ffprobe.decodeErrors(dir.resolve("requester.mkv")));

            // raw capture: the pcap holds the requester's packets except during the pause
            Path pcap = dir.resolve("requester.pcap");
            CommandResult t = ExternalCommand.run(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(),
                    "-d", "udp.port==20000,rtp", "-Y", "rtp.p_type == 8", "-T", "fields", "-e", "frame.time_epoch")
                    .requireSuccess();
            long rtp = t.stdout().lines().filter(l -> !l.isBlank()).count();
            assertEquals(audioPackets, rtp, 3, "the pcap holds what the file holds");
            assertTrue(manifest.toString().contains("requester.pcap"), "the pcap is listed in the manifest");
        }
    }

    @Test
    void aRecorderThatCannotKeepUpDropsForTheRecordingOnlyAndSaysSo() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        RecorderConfig small = new RecorderConfig(data.resolve("recording"), data.resolve("spool"), 1, 16 * 1024,
                10, Duration.ofSeconds(1));
        try (RecordingScenario call = new RecordingScenario(27200, 6);
             Recorder recorder = new Recorder(small, new RecordingListener() {
                 @Override
                 public void onError(String id, String code, String message) {
                     errors.add(code + ": " + message);
                 }
             });
             DatagramChannel phone = DatagramChannel.open();
             DatagramChannel other = DatagramChannel.open()) {
            phone.bind(new InetSocketAddress("127.0.0.1", 0));
            other.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 << 20);
            other.bind(new InetSocketAddress("127.0.0.1", 0));
            other.configureBlocking(false);
            call.audio.setRemote(Side.A, (InetSocketAddress) phone.getLocalAddress(), null, false);
            call.audio.setRemote(Side.B, (InetSocketAddress) other.getLocalAddress(), null, false);
            MediaFork fork = recorder.fork(call.session);
            RecordingSession rec = recorder.start(fork, new RecordingSpec("overload", RecordingMode.BOTH, Side.A,
                    "a", "b", "ca", "cb", false, List.of()), RecordingScenario.formats());
            // 3000 packets of 1 kB back to back: far more than a 16 KiB ring holds between two worker ticks
            ByteBuffer p = ByteBuffer.allocate(12 + 1000);
            int sent = 3000;
            for (int i = 0; i < sent; i++) {
                p.clear();
                p.put((byte) 0x80).put((byte) 8).putShort((short) i).putInt(i * 160).putInt(77);
                p.position(12 + 1000).flip();
                phone.send(p, call.audio.localRtp(Side.A));
                if (i % 20 == 19) {
                    Thread.sleep(1); // let the relay keep up: the point is the recorder, not the socket
                }
            }
            Thread.sleep(500);
            long relayed = call.audio.counters(Side.A).rtpPackets();
            long forwarded = 0;
            ByteBuffer in = ByteBuffer.allocate(2048);
            while (other.receive(in.clear()) != null) {
                forwarded++;
            }
            JsonNode manifest = Manifest.JSON.readTree(rec.stop().get(30, TimeUnit.SECONDS).manifest().toFile());
            long overflow = manifest.get("overflowPackets").asLong();
            System.out.printf("sent %d, relay accepted %d, forwarded %d, recorder overflow %d%n", sent, relayed,
                    forwarded, overflow);
            assertTrue(relayed > sent * 0.95, "the relay took (nearly) every packet: " + relayed);
            assertEquals(relayed, forwarded, "everything the relay took was forwarded, whatever the recorder did");
            assertTrue(overflow > 0, "the ring overflowed");
            assertTrue(errors.stream().anyMatch(e -> e.startsWith("recorder-overload")), errors.toString());
        }
    }
}

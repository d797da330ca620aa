package io.callrec.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real softphone for tests: baresip (Debian) with its own config directory, PCMU/PCMA audio from a WAV file,
 * VP8 video from {@code fakevideo}, driven through its {@code ctrl_tcp} module (netstrings of JSON). See the field
 * notes on what works in baresip 1.0.0.
 */
public final class Baresip implements AutoCloseable {
    /**
     * The module that makes baresip show received text MESSAGEs: give it in {@code modules}. baresip 1.0.0 answers a
     * MESSAGE 200 by itself, but its {@code menu} module prints the text ({@code <from>: "<text>"}) only through a UI
     * module, and {@code stdio} is the one that writes to stdout (our log). It needs stdin to be a pipe (epoll refuses
     * /dev/null), so with it the process gets one, kept open and never written to.
     */
    public static final String TEXT_DISPLAY = "stdio.so";
    /** How menu prints a received MESSAGE; it starts the line with a carriage return after the status line. */
    private static final Pattern SHOWN_TEXT = Pattern.compile("^(sip:[^\\s\"]+): \"(.*)\"$");

    /** A text MESSAGE as baresip showed it: who sent it and its body. */
    public record ShownText(String from, String text) {
    }

    private final Process process;
    private final int ctrlPort;
    private final Path log;
    private final PortRange rtpPorts;

    private Baresip(Process process, int ctrlPort, Path log, PortRange rtpPorts) {
        this.process = process;
        this.ctrlPort = ctrlPort;
        this.log = log;
        this.rtpPorts = rtpPorts;
    }

    /**
     * @param dir      its config directory (created)
     * @param account  the accounts line, e.g. {@code <sip:alice@127.0.0.1:5060>;auth_pass=x;regint=60}
     * @param wav      8 kHz mono WAV it sends as audio
     */
    public static Baresip start(Path dir, String account, Path wav) {
        return start(dir, account, wav, List.of());
    }

    /**
     * @param modules more modules to load, e.g. {@code srtp.so} for an account's {@code ;mediaenc=srtp} or
     *                {@code srtp-mand}, {@code dtls_srtp.so} for {@code ;mediaenc=dtls_srtp}
     */
    public static Baresip start(Path dir, String account, Path wav, List<String> modules) {
        return start(dir, account, wav, modules, List.of());
    }

    /** @param settings more config lines, e.g. {@code rtcp_mux yes} (which callrec needs for DTLS-SRTP) */
    public static Baresip start(Path dir, String account, Path wav, List<String> modules, List<String> settings) {
        try {
            Files.createDirectories(dir);
            int sip = Ports.freeUdpTcpPort();
            int ctrl = Ports.freeUdpTcpPort();
            PortRange rtp = Ports.freeEvenUdpRange(20);
            String config = String.join("\n",
                    "poll_method epoll",
                    "sip_listen 127.0.0.1:" + sip,
                    "net_interface 127.0.0.1",
                    "rtp_ports " + rtp.low() + "-" + rtp.high(),
                    "audio_source aufile," + wav.toAbsolutePath(),
                    "audio_player aubridge,sink" + sip,
                    "audio_alert aufile,/dev/null",
                    "video_source fakevideo,nil",
                    "video_display fakevideo,nil",
                    "video_size 320x240",
                    "video_fps 15.00",
                    "module_path /usr/lib/baresip/modules",
                    "module g711.so",
                    "module aufile.so",
                    "module aubridge.so",
                    "module vp8.so",
                    "module fakevideo.so",
                    modules.stream().map(m -> "module " + m + "\n").collect(java.util.stream.Collectors.joining())
                            + "module_tmp uuid.so",
                    "module_tmp account.so",
                    "module_app menu.so",
                    "module_app ctrl_tcp.so",
                    "ctrl_tcp_listen 127.0.0.1:" + ctrl,
                    String.join("\n", settings),
                    "");
            Files.writeString(dir.resolve("config"), config);
            Files.writeString(dir.resolve("accounts"), account + "\n");
            Path log = dir.resolve("baresip.log");
            ProcessBuilder.Redirect stdin = modules.contains(TEXT_DISPLAY) ? ProcessBuilder.Redirect.PIPE
                    : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile());
            Process p = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "120").redirectInput(stdin)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Baresip b = new Baresip(p, ctrl, log, rtp);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!b.canConnect()) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    b.close();
                    throw new IllegalStateException("baresip did not start: " + b.log());
                }
                Polling.pause();
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ports its RTP and RTCP use. */
    public PortRange rtpPorts() {
        return rtpPorts;
    }

    private boolean canConnect() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ctrlPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a ctrl_tcp command and returns the raw reply (a JSON netstring payload). */
    public String command(String command, String params) {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", ctrlPort)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
            InputStream in = s.getInputStream();
            List<String> replies = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                String msg = readNetstring(in);
                if (msg == null) {
                    break;
                }
                replies.add(msg);
                if (msg.contains("\"response\":true")) {
                    return msg;
                }
            }
            return String.join("\n", replies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readNetstring(InputStream in) throws IOException {
        StringBuilder len = new StringBuilder();
        int c;
        while ((c = in.read()) != ':') {
            if (c < 0) {
                return null;
            }
            len.append((char) c);
        }
        byte[] b = in.readNBytes(Integer.parseInt(len.toString().trim()));
        in.read(); // ','
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The text MESSAGEs baresip has shown in its log so far, oldest first (only with {@link #TEXT_DISPLAY} loaded).
     */
    public List<ShownText> shownTexts() {
        return shownTexts(log());
    }

    /** The texts in a baresip log: menu starts each on a new line or after a carriage return (status line). */
    static List<ShownText> shownTexts(String log) {
        List<ShownText> shown = new ArrayList<>();
        for (String line : log.split("[\r\n]+")) {
            Matcher m = SHOWN_TEXT.matcher(line);
            if (m.matches()) {
                shown.add(new ShownText(m.group(1), m.group(2)));
            }
        }
        return shown;
    }

    /** Waits until baresip has shown a text MESSAGE whose body contains {@code part}; fails after {@code timeout}. */
    public ShownText awaitShownText(String part, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ShownText t : shownTexts()) {
                if (t.text().contains(part)) {
                    return t;
                }
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("baresip showed no text containing \"" + part + "\" within "
                        + timeout + "; shown: " + shownTexts());
            }
            Polling.pause();
        }
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            command("quit", "");
        } catch (RuntimeException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

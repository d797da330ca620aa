package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.apache.commons.io.FileUtils;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The player page in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), as the ITs of
 * other modules drive it: open a link, read the state of the page's videos, play, and measure whether the two
 * parties stay in step. Reads the page's {@code window.callrecPlayer}.
 */
public final class HeadlessPlayer implements AutoCloseable {
    private static final long WAIT_NANOS = Duration.ofSeconds(15).toNanos();

    private final ChromeDriver driver;
    /** The browser's TMPDIR: Chromium leaves its profile's singleton socket directory there when it is quit. */
    private final Path tmp;

    private HeadlessPlayer(ChromeDriver driver, Path tmp) {
        this.driver = driver;
        this.tmp = tmp;
    }

    /** What {@link #playInSyncFor5Seconds} measured. */
    public record SyncFigures(double advancedSeconds, double maxSkewSeconds, String corrections) {
    }

    public static HeadlessPlayer start() throws IOException {
        Path tmp = Files.createTempDirectory("callrec-chromium");
        // Debian's driver and browser, named explicitly so that Selenium Manager never tries to download one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .withEnvironment(Map.of("TMPDIR", tmp.toString()))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1280,900");
        // The console tells whether the page's Content-Security-Policy blocked anything the page needs.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            FileUtils.deleteQuietly(tmp.toFile());
            throw e;
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
        return new HeadlessPlayer(driver, tmp);
    }

    /** The driver itself, for what this class does not wrap. */
    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Per video of the page: readyState {@code rs}, currentTime {@code t}, paused, videoWidth {@code w}, error. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> state() {
        return (List<Map<String, Object>>) script(
                "return (window.callrecPlayer ? callrecPlayer.videos : []).map(v => ({rs: v.readyState,"
                        + " t: v.currentTime, paused: v.paused, w: v.videoWidth, party: v.dataset.party,"
                        + " hidden: v.closest('figure').hidden,"
                        + " error: v.error ? v.error.code + ' ' + v.error.message : null}))");
    }

    /** The file each video plays: a recorded {@code .mkv} or a rendition ({@code .mp4}, {@code .webm}). */
    @SuppressWarnings("unchecked")
    public List<String> playing() {
        return (List<String>) script("return callrecPlayer.videos.map(v => v.dataset.file)");
    }

    public Object script(String js) {
        return driver.executeScript(js);
    }

    public void click(String cssSelector) {
        driver.findElement(By.cssSelector(cssSelector)).click();
    }

    public String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    public void screenshot(Path file) throws IOException {
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Waits until every video has its metadata (and there are {@code videos} of them). */
    public long awaitMetadata(int videos) throws InterruptedException {
        return waitFor(videos + " video(s) with metadata", this::state,
                s -> s.size() == videos && s.stream().allMatch(v -> num(v, "rs") >= 1));
    }

    /**
     * Presses Play, then checks for 5 s that the first visible video (the master) advances by more than 4 s and
     * that the visible videos stay within 100 ms of each other; takes the screenshot at the end.
     */
    public SyncFigures playInSyncFor5Seconds(Path screenshot) throws Exception {
        click("#play");
        waitFor("the visible videos playing", this::visible,
                s -> !s.isEmpty() && s.stream().allMatch(v -> num(v, "rs") >= 3 && num(v, "t") > 0.2
                        && !(Boolean) v.get("paused")));
        double maxSkew = 0;
        List<Double> masterTimes = new ArrayList<>();
        long started = System.nanoTime();
        while (System.nanoTime() - started < 5_000_000_000L) {
            // All times are read in one script run, so they describe one moment.
            List<Map<String, Object>> s = visible();
            for (Map<String, Object> v : s) {
                assertEquals(null, v.get("error"), "media error: " + s);
                assertTrue(num(v, "rs") >= 2, "still has data: " + s);
            }
            for (Map<String, Object> v : s) {
                maxSkew = Math.max(maxSkew, Math.abs(num(s.get(0), "t") - num(v, "t")));
            }
            masterTimes.add(num(s.get(0), "t"));
            Thread.sleep(200);
        }
        screenshot(screenshot);
        SyncFigures figures = new SyncFigures(masterTimes.get(masterTimes.size() - 1) - masterTimes.get(0), maxSkew,
                (String) script("return 'seeks ' + callrecPlayer.seeks + ', nudges ' + callrecPlayer.nudges"));
        assertTrue(figures.advancedSeconds() > 4.0, "currentTime advanced " + figures.advancedSeconds() + " s in 5 s");
        assertTrue(maxSkew < 0.100, "the videos drifted apart by " + maxSkew + " s");
        return figures;
    }

    /** The videos whose party is shown (all of them in view "both"). */
    public List<Map<String, Object>> visible() {
        return state().stream().filter(v -> !(Boolean) v.get("hidden")).toList();
    }

    /** Console messages saying the page's Content-Security-Policy refused something. */
    public List<String> blockedByThePolicy() {
        List<String> blocked = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to")) {
                blocked.add(e.getMessage());
            }
        }
        return blocked;
    }

    /** @return how long it took, in milliseconds */
    public <T> long waitFor(String what, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long start = System.nanoTime();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() - start > WAIT_NANOS) {
                throw new AssertionError("timed out waiting for " + what + "; last state " + last
                        + "; page status: " + text("status"));
            }
            Thread.sleep(50);
            last = probe.get();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    public static double num(Map<String, Object> v, String key) {
        return ((Number) v.get(key)).doubleValue();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            FileUtils.deleteQuietly(tmp.toFile());
        }
    }
}

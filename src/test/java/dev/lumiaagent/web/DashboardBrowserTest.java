package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.RequiredTool;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium through its chromedriver; Selenium Manager is not
 * used: the driver and the browser are named, nothing is downloaded), served by the real {@link WebServer} over a
 * real bench of simulated phones ({@link DashboardBench}): tiles for every phone, bars that move, the hung phone's
 * key sequence first, DONE tiles last, the history found by IMEI with the job's steps, and a phone's markup shown
 * as text. Every wait is on a condition in the page, none is a sleep.
 */
class DashboardBrowserTest {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The simulated clock at the phones' own pace: a demo FFU is sparse, its write takes seconds only at this speed. */
    private static final double SPEED = 1;
    private static final long FFU_BYTES = 128L << 20;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private WebDriver driver;
    private DashboardBench bench;
    private WebServer server;

    /** The browser's profile: its own directory under @TempDir, which JUnit removes after the browser has quit. */
    @TempDir
    Path profile;

    @BeforeEach
    void browser() {
        RequiredTool.require("chromedriver", Files.isExecutable(CHROMEDRIVER),
                "the browser test drives Debian's headless Chromium: apt-get install chromium chromium-driver");
        RequiredTool.require("chromium", Files.isExecutable(CHROMIUM),
                "the browser test drives Debian's headless Chromium: apt-get install chromium chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--window-size=1600,1000", "--force-device-scale-factor=1",
                "--lang=en-GB", "--user-data-dir=" + profile);
        // The driver is named, so Selenium Manager is never asked (it would look for a driver on the network).
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        driver = new ChromeDriver(service, options);
        // the window's size includes what the browser draws around the page: make the page itself 1600 × 1000
        driver.manage().window().setSize(new Dimension(1600, 1000));
        long inner = ((Number) ((JavascriptExecutor) driver).executeScript("return window.innerHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1600, (int) (2000 - inner)));
    }

    @AfterEach
    void close() throws Exception {
        if (driver != null) {
            // what the page showed last, for a failure's reader
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "dashboard-last.txt"), String.valueOf(js(
                    "return JSON.stringify(Object.fromEntries(Object.entries(window.seenPercents || {}).map(([k, v]) => [k, [...v]])))"
                            + " + '\\n' + document.body.innerText")));
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    @Test
    @Timeout(300)
    void theDashboardShowsTheBenchAsItWorksAndItsHistory() throws Exception {
        bench = new DashboardBench(dir, SPEED, FFU_BYTES);
        server = new WebServer(new WebSettings("127.0.0.1", 0, null, false, "test"), bench.view, bench.store, bench.journal,
                Controls.NONE).start();
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));

        js("window.seenPercents = {};"
                + "new MutationObserver(() => document.querySelectorAll(\"li.tile[data-port='1-1'] [role=progressbar], "
                + "li.tile[data-port='1-2'] [role=progressbar]\").forEach(b => { const v = Number(b.getAttribute('aria-valuenow'));"
                + " const port = b.closest('li').dataset.port;"
                + " if (v > 0 && v < 100) (window.seenPercents[port] ||= new Set()).add(v); }))"
                + ".observe(document.getElementById('ports'), {childList: true, subtree: true});");
        // the phones start once the page is up and watching
        bench.start();
        // a tile for every phone, and the stream is live
        wait.until(d -> ports().size() == 6);
        wait.until(d -> "live".equals(js("return document.getElementById('connection').textContent")));
        assertThat(ports()).containsExactlyInAnyOrder("1-1", "1-2", "1-3", "1-4", "1-5", "1-6");

        // progress moves: the browser shows a reflash's bar part of the way (every value the page draws is noted as it
        // is drawn: a demo FFU is sparse, its write is a few pieces), and later the same phone DONE (below)
        String moving = wait.until(d -> (String) js("return Object.keys(window.seenPercents)[0] || null"));

        // the hung phone needs its keys: first, highlighted, with the key sequence in large type and its wait
        wait.until(d -> "ATTENTION".equals(state("1-3")));
        wait.until(d -> "1-3".equals(ports().get(0)));
        assertThat(js("return document.querySelector(\"li.tile[data-port='1-3']\").className")).asString().contains("needs-person");
        assertThat(inTile("1-3", ".instructions")).contains("Volume-Down").contains("Power");
        assertThat(((Number) js("return parseFloat(getComputedStyle(document.querySelector(\"li.tile[data-port='1-3'] .instructions li\")).fontSize)"))
                .doubleValue()).as("the key sequence is in large type").isGreaterThanOrEqualTo(20);
        wait.until(d -> inTile("1-3", ".wait").contains("of up to 5:00"));
        // the low-battery phone failed with its next step, whole, among a person's tiles
        wait.until(d -> "FAILED".equals(state("1-5")));
        assertThat(inTile("1-5", ".next-step")).startsWith("Next step:").contains("25 %");

        // the picture for the docs: a bench with several phones in different states (a bar moving too, when the
        // reflashes are still writing)
        wait.until(d -> ports().stream().anyMatch(p -> "DONE".equals(state(p))));
        try {
            new WebDriverWait(driver, Duration.ofSeconds(5), Duration.ofMillis(50)).until(d -> percent(p -> p > 5 && p < 95));
        } catch (org.openqa.selenium.TimeoutException e) {
            // the writes are over already: the picture shows their waits instead
        }
        screenshot();

        // the person enters the keys: the hung phone's tile is no longer a person's
        bench.pressKeysOnHungPhone();
        wait.until(d -> !"ATTENTION".equals(state("1-3")));

        // the reflashes end DONE, and DONE tiles are last
        wait.until(d -> "DONE".equals(state("1-1")) && "DONE".equals(state("1-2")));
        assertThat(state(moving)).as("the phone whose bar was part of the way").isEqualTo("DONE");
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) js("return [...document.querySelectorAll('li.tile[data-port]')].map(t => t.dataset.state)");
        int firstDone = states.indexOf("DONE");
        assertThat(states.subList(firstDone, states.size())).as("DONE tiles at the end: " + states).containsOnly("DONE");
        assertThat(states.subList(0, firstDone)).as("a person's tiles first: " + states).startsWith("FAILED");

        // a phone's markup is text: shown as written, no element made from it, no script run
        assertThat(inTile("1-6", ".model")).contains(DashboardBench.INJECTED);
        assertThat(driver.findElements(By.cssSelector("img"))).isEmpty();
        assertNoAlert();

        // the history: search by IMEI finds the job, its detail shows the steps
        driver.findElement(By.cssSelector("nav.views a[data-view=history]")).click();
        wait.until(d -> d.findElement(By.id("history-q")).isDisplayed());
        search(wait, DashboardBench.INFO_IMEI);
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> ((Number) js("return document.querySelectorAll('#job-steps tr').length")).intValue() > 0);
        assertThat(text("job-steps")).contains("ReadInfo");
        assertThat(text("job-outcome")).startsWith("DONE");
        assertThat(driver.findElement(By.id("job-log")).getAttribute("href")).endsWith("/log");
        assertThat(driver.findElement(By.id("job-diag")).getAttribute("href")).endsWith("/diag");

        // an info job erases nothing: no certificate line
        assertThat(driver.findElement(By.id("job-certificate")).isDisplayed()).isFalse();

        // a reflashed phone's detail links its erasure certificate; the links fetch the stored PDF and JSON
        // (issued just after the job's end: the test waits for its row before it opens the detail)
        wait.until(d -> certificateStored(DashboardBench.REFLASH_IMEI) && certificateStored(DashboardBench.LOW_BATTERY_IMEI));
        search(wait, DashboardBench.REFLASH_IMEI);
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> text("job-certificate-status").startsWith("Certificate issued"));
        WebElement pdfLink = driver.findElement(By.id("job-certificate-pdf"));
        assertThat(pdfLink.isDisplayed()).isTrue();
        assertThat(pdfLink.getAttribute("href")).endsWith("/certificate");
        assertThat(fetched(pdfLink.getAttribute("href"))).startsWith("200 application/pdf %PDF-");
        assertThat(fetched(driver.findElement(By.id("job-certificate-json")).getAttribute("href")))
                .startsWith("200 application/json").contains(DashboardBench.REFLASH_IMEI).contains(DashboardBench.OPERATOR);
        // a failed reflash (battery too low) has none, and says why
        search(wait, DashboardBench.LOW_BATTERY_IMEI);
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> text("job-certificate-status").startsWith("No certificate:"));
        assertThat(text("job-certificate-status")).isEqualTo("No certificate: the job failed (BATTERY_LOW)");
        assertThat(driver.findElement(By.id("job-certificate-pdf")).isDisplayed()).isFalse();

        // the injecting phone's job detail shows its model name as text too
        search(wait, DashboardBench.INJECTING_IMEI);
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> text("job-facts").contains(DashboardBench.INJECTED));
        assertThat(driver.findElements(By.cssSelector("img"))).isEmpty();
        assertNoAlert();
    }

    /** Whether the job of the phone with {@code imei} has its certificate row (issued or refused) in the bench's store. */
    private boolean certificateStored(String imei) {
        return bench.store.jobs(null).stream().filter(j -> imei.equals(j.imei))
                .anyMatch(j -> bench.store.certificate(j.jobId).isPresent());
    }

    /** What the page's own fetch of {@code url} gets: "status content-type first-bytes". */
    private String fetched(String url) {
        return String.valueOf(((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {cache: 'no-store'}).then(async r => done(r.status + ' ' + (r.headers.get('content-type') || '')"
                        + ".split(';')[0] + ' ' + (await r.text()).slice(0, 4000))).catch(e => done('error ' + e));", url));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** The ports of the tiles, in the page's order (read at once: the page redraws its tiles on every change). */
    @SuppressWarnings("unchecked")
    private List<String> ports() {
        return (List<String>) js("return [...document.querySelectorAll('li.tile[data-port]')].map(t => t.dataset.port)");
    }

    private String state(String port) {
        return (String) js("const t = document.querySelector(\"li.tile[data-port='" + port + "']\"); return t ? t.dataset.state : null");
    }

    /** The text of {@code selector} in the port's tile ("" when none). */
    private String inTile(String port, String selector) {
        Object t = js("const e = document.querySelector(\"li.tile[data-port='" + port + "'] " + selector + "\"); return e ? e.textContent : ''");
        return String.valueOf(t);
    }

    private String text(String id) {
        return String.valueOf(js("return document.getElementById('" + id + "').textContent"));
    }

    /** The first reflash bar's percent that passes {@code test}, or null (WebDriverWait tries again). */
    private Long percent(java.util.function.LongPredicate test) {
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) js("return [...document.querySelectorAll(\"li.tile[data-port='1-1'] [role=progressbar], "
                + "li.tile[data-port='1-2'] [role=progressbar]\")].map(b => Number(b.getAttribute('aria-valuenow')))");
        return values.stream().map(v -> ((Number) v).longValue()).filter(test::test).findFirst().orElse(null);
    }

    private void search(WebDriverWait wait, String imei) {
        WebElement q = driver.findElement(By.id("history-q"));
        q.clear();
        q.sendKeys(imei);
        driver.findElement(By.cssSelector("#history-search button[type=submit]")).click();
        // read at once: the rows are redrawn by each answer (the list shown on opening the view may come after)
        wait.until(d -> Boolean.TRUE.equals(js("const rows = document.querySelectorAll('#history-rows tr');"
                + " return rows.length === 1 && rows[0].textContent.includes('" + imei + "')")));
    }

    private void assertNoAlert() {
        try {
            driver.switchTo().alert();
            throw new AssertionError("an alert opened: a phone's string ran as script");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    /**
     * target/dashboard.png on every run; docs/dashboard.png when asked for
     * ({@code -Ddashboard.screenshot=docs/dashboard.png}), so a test run never changes a tracked file by itself.
     */
    private void screenshot() throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "dashboard.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("dashboard.screenshot");
        if (docs != null && !docs.isBlank()) {
            Files.copy(shot.toPath(), Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
        // the rest of the bench, below the person's band (to look at, not for the docs)
        js("document.getElementById('ports').scrollIntoView()");
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "dashboard-tiles.png"),
                StandardCopyOption.REPLACE_EXISTING);
        js("window.scrollTo(0, 0)");
    }
}

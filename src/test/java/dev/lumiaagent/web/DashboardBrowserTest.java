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
    /** Slow enough on the simulated clock that the browser sees the bars move and the person's wait (5 min → 100 s). */
    private static final double SPEED = 3;
    private static final long FFU_BYTES = 64L << 20;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private WebDriver driver;
    private DashboardBench bench;
    private WebServer server;

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
                "--lang=en-GB", "--user-data-dir=" + dir.resolve("chromium-profile"));
        // The driver is named, so Selenium Manager is never asked (it would look for a driver on the network).
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1600, 1000));
    }

    @AfterEach
    void close() {
        if (driver != null) {
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
        bench.start();
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));

        // a tile for every phone, and the stream is live
        wait.until(d -> tiles().size() == 6);
        wait.until(d -> text(By.id("connection")).equals("live"));
        assertThat(tiles()).extracting(t -> t.getAttribute("data-port"))
                .containsExactlyInAnyOrder("1-1", "1-2", "1-3", "1-4", "1-5", "1-6");

        // progress moves: a reflash's bar grows (what the browser reads, twice)
        int first = wait.until(d -> percentOf("1-1", "1-2", p -> p > 0 && p < 100));
        wait.until(d -> percentOf("1-1", "1-2", p -> p > first));

        // the hung phone needs its keys: first, highlighted, with the key sequence in large type and its wait
        wait.until(d -> "ATTENTION".equals(tile("1-3").getAttribute("data-state")));
        wait.until(d -> "1-3".equals(tiles().get(0).getAttribute("data-port")));
        WebElement hung = tile("1-3");
        assertThat(hung.getAttribute("class")).contains("needs-person");
        assertThat(hung.findElement(By.cssSelector(".instructions")).getText()).contains("Volume-Down").contains("Power");
        assertThat(Double.parseDouble(String.valueOf(((JavascriptExecutor) driver).executeScript(
                "return parseFloat(getComputedStyle(arguments[0]).fontSize)", hung.findElement(By.cssSelector(".instructions li"))))))
                .as("the key sequence is in large type").isGreaterThanOrEqualTo(20);
        wait.until(d -> tile("1-3").findElements(By.cssSelector(".wait")).stream().anyMatch(w -> w.getText().contains("of up to 5:00")));
        // the low-battery phone failed with its next step, whole, among a person's tiles
        WebElement low = wait.until(d -> "FAILED".equals(tile("1-5").getAttribute("data-state")) ? tile("1-5") : null);
        assertThat(low.getAttribute("class")).contains("needs-person");
        assertThat(low.findElement(By.cssSelector(".next-step")).getText()).startsWith("Next step:").contains("25 %");

        // the picture for the docs: a bench with several phones in different states (a bar moving too, when the
        // reflashes are still writing)
        wait.until(d -> tiles().stream().anyMatch(t -> "DONE".equals(t.getAttribute("data-state"))));
        try {
            new WebDriverWait(driver, Duration.ofSeconds(5), Duration.ofMillis(50)).until(d -> percentOf("1-1", "1-2", p -> p > 5 && p < 95));
        } catch (org.openqa.selenium.TimeoutException e) {
            // the writes are over already: the picture shows their waits instead
        }
        screenshot();

        // the person enters the keys: the hung phone's tile is no longer a person's
        bench.pressKeysOnHungPhone();
        wait.until(d -> !"ATTENTION".equals(tile("1-3").getAttribute("data-state")));

        // the reflashes end DONE, and DONE tiles are last
        wait.until(d -> "DONE".equals(tile("1-1").getAttribute("data-state")) && "DONE".equals(tile("1-2").getAttribute("data-state")));
        List<String> states = tiles().stream().map(t -> t.getAttribute("data-state")).toList();
        int firstDone = states.indexOf("DONE");
        assertThat(states.subList(firstDone, states.size())).as("DONE tiles at the end: " + states).containsOnly("DONE");
        assertThat(states.subList(0, firstDone)).as("a person's tiles first: " + states).startsWith("FAILED");

        // a phone's markup is text: shown as written, no element made from it, no script run
        WebElement injecting = tile("1-6");
        assertThat(injecting.getText()).contains(DashboardBench.INJECTED);
        assertThat(driver.findElements(By.cssSelector("main img"))).isEmpty();
        assertNoAlert();

        // the history: search by IMEI finds the job, its detail shows the steps
        driver.findElement(By.cssSelector("nav.views a[data-view=history]")).click();
        WebElement q = wait.until(d -> d.findElement(By.id("history-q")).isDisplayed() ? d.findElement(By.id("history-q")) : null);
        q.sendKeys(DashboardBench.INFO_IMEI);
        driver.findElement(By.cssSelector("#history-search button[type=submit]")).click();
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#history-rows tr"));
            return rows.size() == 1 && rows.get(0).getText().contains(DashboardBench.INFO_IMEI);
        });
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#job-steps tr")).isEmpty());
        assertThat(text(By.id("job-steps"))).contains("ReadInfo");
        assertThat(text(By.id("job-outcome"))).startsWith("DONE");
        assertThat(driver.findElement(By.id("job-log")).getAttribute("href")).endsWith("/log");
        assertThat(driver.findElement(By.id("job-diag")).getAttribute("href")).endsWith("/diag");

        // the injecting phone's job detail shows its model name as text too
        q = driver.findElement(By.id("history-q"));
        q.clear();
        q.sendKeys(DashboardBench.INJECTING_IMEI);
        driver.findElement(By.cssSelector("#history-search button[type=submit]")).click();
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#history-rows tr"));
            return rows.size() == 1 && rows.get(0).getText().contains(DashboardBench.INJECTING_IMEI);
        });
        driver.findElement(By.cssSelector("#history-rows tr button")).click();
        wait.until(d -> text(By.id("job-facts")).contains(DashboardBench.INJECTED));
        assertThat(driver.findElements(By.cssSelector("img"))).isEmpty();
        assertNoAlert();
    }

    private List<WebElement> tiles() {
        return driver.findElements(By.cssSelector("li.tile[data-port]"));
    }

    private WebElement tile(String port) {
        return driver.findElement(By.cssSelector("li.tile[data-port='" + port + "']"));
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    /** The first bar on these ports whose percent passes {@code test}, or null (WebDriverWait tries again). */
    private Integer percentOf(String a, String b, java.util.function.IntPredicate test) {
        for (String port : new String[] {a, b}) {
            for (WebElement bar : tile(port).findElements(By.cssSelector("[role=progressbar]"))) {
                int p = Integer.parseInt(bar.getAttribute("aria-valuenow"));
                if (test.test(p)) {
                    return p;
                }
            }
        }
        return null;
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
    }
}

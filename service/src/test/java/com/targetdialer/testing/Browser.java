package com.targetdialer.testing;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/** Debian's headless Chromium driven by its own chromedriver (never Selenium Manager: no network here). */
public final class Browser {

  private Browser() {
  }

  public static ChromeDriver start() throws IOException {
    ChromeOptions options = new ChromeOptions()
        .setBinary(new File("/usr/bin/chromium"))
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("td-chromium"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
    return driver;
  }
}

"""Driving Debian's Chromium (packages ``chromium`` and ``chromium-driver``, installed by
``make install-dev``) with Selenium: headless, nothing downloaded. Every click goes
through ``Session.click`` so a test can say how many clicks a route takes; axe-core (from
the workbench's npm packages) checks each page for WCAG 2.1 AA violations; screenshots go
to ``tests/artifacts/workbench/``.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = ROOT / "workbench" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts" / "workbench"
# The WCAG 2.1 A and AA rules (the legal requirement for Dutch government sites).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=nl-NL",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@dataclass
class Session:
    driver: WebDriver
    base: str
    clicks: int = 0
    pages_checked: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.settled()

    def find(self, css: str) -> WebElement:
        return WebDriverWait(self.driver, 10).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def click(self, css: str) -> None:
        """One click of a person, then wait for the page (a boosted swap or a load)."""
        element = WebDriverWait(self.driver, 10).until(
            expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, css))
        )
        self.clicks += 1
        element.click()
        self.settled()

    def type(self, css: str, text: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def settled(self) -> None:
        """Wait until the document is loaded and htmx has no request in flight."""
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script(
                "return document.readyState === 'complete' && "
                "!document.querySelector('.htmx-request') && "
                "(!window.htmx || !document.body.classList.contains('htmx-swapping'))"
            )
        )
        time.sleep(0.05)

    def axe(self, name: str) -> list[dict]:
        """axe-core's WCAG 2.1 AA violations on the page as it is now (run through the
        driver: the page's CSP allows no injected script, and needs not)."""
        self.driver.execute_script(AXE.read_text())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(JSON.stringify(r.violations))).catch(e => done(String(e)));",
            AXE_TAGS,
        )
        self.pages_checked.append(name)
        violations = json.loads(result)
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1280, max(1000, min(int(height) + 50, 4000)))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1280, 1000)
        return path

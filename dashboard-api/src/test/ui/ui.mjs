// Drives the web UI in Debian's Chromium: local sign-in, the session list, a live status change, the
// terminal and a command, as a member (no console errors, teamless sessions absent); then an admin's
// charts, budgets, team settings and dead letters. WebUiTest seeds the sessions and the tmux session,
// makes the status change when this script prints "waiting-for-change", and checks CONTROL afterwards.
import { chromium } from "playwright-core";

const { BASE_URL, SESSION_ID, SESSION_TITLE, DEAD_LETTER, TEAMLESS_ID, LOCAL_SECRET } = process.env;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const step = (name) => console.log(`${name} ok`);
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(`${BASE_URL}/`);
  await page.getByText("Local sign-in").click();
  await page.getByText("LOCAL SIGN-IN").first().waitFor();
  await page.fill("input[name=secret]", LOCAL_SECRET);
  await page.fill("input[name=teams]", "team-a");
  await page.click("button[type=submit]");
  await page.getByText("This browser is signed in").waitFor();
  step("sign-in");

  // from here on, the member's page must not log a single error
  const errors = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${BASE_URL}/`);
  const row = page.locator(`tr[data-id="${SESSION_ID}"]`);
  await row.waitFor();
  if (!(await row.textContent()).includes(SESSION_TITLE) || !(await row.textContent()).includes("team-a")) {
    throw new Error("the row does not show the session's title and team");
  }
  if (await page.locator(`tr[data-id="${TEAMLESS_ID}"]`).count() !== 0) {
    throw new Error("a member sees a session without a team");
  }
  step("list");

  await row.click();
  await page.waitForFunction(() => document.getElementById("detail-status").textContent === "RUNNING");
  await page.waitForFunction(() => document.getElementById("detail-turn").textContent === "turn 1: working on it");
  const said = await page.locator("#detail-messages li").first().textContent();
  if (said !== "U0ANA look at the build") {
    throw new Error(`the conversation shows "${said}", not its author and text`);
  }
  step("detail");

  await page.click("#open-terminal");
  await page.waitForFunction(() => (document.querySelector("#terminal .xterm-rows")?.textContent || "").includes("hello-from-tmux"));
  await page.locator("#terminal .xterm-helper-textarea").focus();
  await page.keyboard.type("echo typed-$((6*7))\n");
  await page.waitForFunction(() => (document.querySelector("#terminal .xterm-rows")?.textContent || "").includes("typed-42"));
  step("terminal");

  console.log("waiting-for-change");
  await page.waitForFunction(() => document.getElementById("detail-status").textContent === "SUCCEEDED", null, { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById("detail-last").textContent.includes("Done from the worker"));
  await page.waitForFunction(() => document.getElementById("detail-turn").textContent === "turn 1: waiting for a follow-up");
  await page.waitForFunction(() => document.getElementById("detail-cost").textContent.startsWith("$0.75 · 1,540 tokens"));
  await page.locator('#detail-artifacts a[href="https://github.com/acme/api/pull/7"]', { hasText: "Fix the build" }).waitFor();
  await page.locator("#detail-messages li.agent", { hasText: "Done from the worker" }).waitFor();
  step("live status");

  await page.click("button[data-command=TerminateSession]");
  await page.waitForTimeout(500);
  if (await page.locator("#error").isVisible()) {
    throw new Error("terminate failed: " + (await page.locator("#error").textContent()));
  }
  step("terminate");

  await page.click("#metrics-panel summary");
  await page.locator('#chart-cost rect[data-label="team-a"]').waitFor();
  if (await page.locator('#chart-cost rect[data-label="no team"]').count() !== 0) {
    throw new Error("a member's cost chart shows the sessions without a team");
  }
  if (errors.length) {
    throw new Error("the member's console had errors:\n" + errors.join("\n"));
  }
  step("member without console errors");

  // an admin, in a browser context of their own: metrics, team settings, dead letters
  const admin = await (await browser.newContext()).newPage();
  admin.setDefaultTimeout(20000);
  await admin.goto(`${BASE_URL}/local/sign-in`);
  await admin.fill("input[name=secret]", LOCAL_SECRET);
  await admin.fill("input[name=name]", "root@localhost");
  await admin.fill("input[name=teams]", "agent-services-admins");
  await admin.click("button[type=submit]");
  await admin.getByText("This browser is signed in").waitFor();
  await admin.goto(`${BASE_URL}/`);
  await admin.locator(`tr[data-id="${SESSION_ID}"]`).waitFor();
  await admin.locator(`tr[data-id="${TEAMLESS_ID}"]`, { hasText: "no team" }).waitFor();
  await admin.click("#metrics-panel summary");
  await admin.waitForFunction(() => Number(document.querySelector('dd[data-metric="Sessions"]')?.textContent) >= 2);
  await admin.locator("#chart-days svg rect[data-status=SUCCEEDED]").first().waitFor();
  if (await admin.locator("#chart-durations svg rect").count() !== 4) {
    throw new Error("the duration chart does not show p50, p90, p95 and p99");
  }
  await admin.locator('#chart-cost rect[data-label="team-a"]').waitFor();
  await admin.locator('#chart-cost rect[data-label="no team"]').waitFor({ state: "attached" });
  await admin.locator('#budgets tr.exhausted[data-team="team-a"]', { hasText: "$0.75 of $0.50" }).waitFor();
  step("metrics");

  await admin.click("#teams-panel summary");
  await admin.locator("#team-settings").waitFor();
  await admin.fill("#team-settings input[name=teamId]", "team-ui");
  await admin.fill("#team-settings input[name=slackChannels]", "C0UI1, C0UI2");
  await admin.fill("#team-settings input[name=concurrencyLimit]", "2");
  await admin.click("#team-settings button[type=submit]");
  await admin.locator("#teams a", { hasText: "team-ui" }).waitFor();
  step("team settings");

  await admin.click("#dead-letters-panel summary");
  const letter = admin.locator(`#dead-letters tr[data-sequence="${DEAD_LETTER}"]`);
  await letter.waitFor();
  await letter.locator("button").click();
  await admin.waitForFunction((seq) => document.querySelector(`#dead-letters tr[data-sequence="${seq}"]`)
    ?.children[3].textContent === "root@localhost", DEAD_LETTER);
  step("dead letters");

  if (process.env.SCREENSHOT) {
    await admin.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  }
  console.log("all ok");
} finally {
  await browser.close();
}

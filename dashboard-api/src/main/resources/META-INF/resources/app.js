// The dashboard's web UI: plain modules, no build step. It talks to the same Connect API as any client
// (JSON codec, signed in by the session cookie, so every POST carries Connect-Protocol-Version), follows
// the selected session over SSE and opens its terminal over the WebSocket.
import { horizontalBars, stackedColumns } from "./charts.js";

const api = "/api/dashboard/api.v1.DashboardService/";
const $ = (id) => document.getElementById(id);
let nextPageToken = "";
let selected = null;
let events = null;
let socket = null;

class SignedOut extends Error {}

async function call(method, request = {}) {
  const response = await fetch(api + method, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1" },
    body: JSON.stringify(request),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    throw new SignedOut();
  }
  if (!response.ok) {
    throw new Error(`${method}: ${body.message || response.status}`);
  }
  return body;
}

function show(error) {
  if (error instanceof SignedOut) {
    signedOut();
    return;
  }
  $("error").textContent = error.message;
  $("error").hidden = false;
  setTimeout(() => { $("error").hidden = true; }, 6000);
}

async function signedOut() {
  $("signed-in").hidden = true;
  $("signed-out").hidden = false;
  $("sign-out").hidden = true;
  // local mode signs in with its own marked form instead of the issuer
  const local = await fetch("/local/sign-in", { method: "GET" });
  if (local.ok) {
    $("sign-in").href = "/local/sign-in";
    $("sign-in").textContent = "Local sign-in";
  }
}

const status = (s) => (s || "").replace("SESSION_STATUS_", "");
const source = (s) => (s || "").replace("SESSION_SOURCE_", "").toLowerCase();
const team = (name) => name || "no team";
const usd = (value) => `$${(value || 0).toFixed(2)}`;
const minutes = (seconds) => `${((seconds || 0) / 60).toFixed(1)} min`;
const tokens = (usage) => (Number(usage.inputTokens || 0) + Number(usage.outputTokens || 0)
  + Number(usage.cacheCreationTokens || 0) + Number(usage.cacheReadTokens || 0)).toLocaleString();
const WAITING = { budget: "waits: the team's monthly budget is spent", slot: "waits for a free slot of the team",
  rate: "waits: the conversation started its limit of runs this hour",
  confirmation: "waits: outsiders wrote part of the request, and a member must confirm" };

function row(session) {
  const tr = document.createElement("tr");
  tr.dataset.id = session.id;
  for (const value of [session.title || session.sessionKey, session.agent, team(session.team), source(session.source),
    status(session.status), usd(session.usage?.costUsd), session.createdAt ? new Date(session.createdAt).toLocaleString() : ""]) {
    const td = document.createElement("td");
    td.textContent = value;
    tr.append(td);
  }
  tr.children[4].className = "status " + status(session.status);
  tr.addEventListener("click", () => open(session.id));
  return tr;
}

async function list(append = false) {
  const form = new FormData($("filters"));
  const request = { pageSize: 50, text: form.get("text") || "" };
  if (form.get("status")) {
    request.statuses = ["SESSION_STATUS_" + form.get("status")];
  }
  if (append) {
    request.pageToken = nextPageToken;
  }
  const page = await call("ListSessions", request);
  $("signed-in").hidden = false;
  $("signed-out").hidden = true;
  $("sign-out").hidden = false;
  if (!append) {
    $("sessions").replaceChildren();
  }
  for (const session of page.sessions || []) {
    $("sessions").append(row(session));
  }
  nextPageToken = page.nextPageToken || "";
  $("more").hidden = !nextPageToken;
  $("total").textContent = `${page.totalSize || 0} sessions`;
}

/** A link when the URL is the web's, else its text: an artifact's URL comes from the runner. */
function link(text, url) {
  if (url && /^https?:\/\//i.test(url)) {
    const a = document.createElement("a");
    a.href = url;
    a.textContent = text || url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }
  return document.createTextNode(text || url || "");
}

function line(author, text, className) {
  const li = document.createElement("li");
  li.className = className;
  const who = document.createElement("strong");
  who.textContent = author;
  li.append(who, document.createTextNode(" " + (text || "")));
  return li;
}

let shown = {};

function render(session) {
  $("detail-title").textContent = session.title || session.sessionKey;
  $("detail-key").textContent = session.sessionKey;
  $("detail-team").textContent = team(session.team);
  const messages = session.messages || [];
  const conversation = messages.map((m) => line(m.author || "someone", m.text, m.role || "person"));
  // a model-backed agent's conversation holds the runs' answers itself
  if (session.lastAssistantMessage && !messages.some((m) => m.role === "runner")) {
    conversation.push(line(session.agent, session.lastAssistantMessage, "agent"));
  }
  $("detail-messages").replaceChildren(...conversation);
  $("detail-artifacts").replaceChildren(...(session.artifacts || []).map((artifact) => {
    const li = document.createElement("li");
    li.append(document.createTextNode(`${artifact.kind}: `), link(artifact.title, artifact.url));
    return li;
  }));
  live({ status: status(session.status), pod_name: session.podName, run: session.run, turn: session.turn,
    queued_count: session.queuedCount, run_live: session.runLive, waiting_for: session.waitingFor,
    last_assistant_message: session.lastAssistantMessage, usage: {
      cost_usd: session.usage?.costUsd, pod_seconds: session.usage?.podSeconds, input_tokens: session.usage?.inputTokens,
      output_tokens: session.usage?.outputTokens, cache_creation_tokens: session.usage?.cacheCreationTokens,
      cache_read_tokens: session.usage?.cacheReadTokens } });
}

function usageText(usage = {}) {
  const all = { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens,
    cacheCreationTokens: usage.cache_creation_tokens, cacheReadTokens: usage.cache_read_tokens };
  return `${usd(usage.cost_usd)} · ${tokens(all)} tokens · ${minutes(usage.pod_seconds)} of pod time`;
}

/** Where the conversation stands: its turn, and whether the run works on it or waits for the next. */
function turnState(event) {
  if (!event.turn) return "";
  const going = event.status === "PENDING" || event.status === "RUNNING";
  let state = going ? "working on it" : event.run_live ? "waiting for a follow-up" : "run ended";
  if (event.status === "PAUSED" || event.status === "TERMINATED") state = event.status.toLowerCase();
  const queued = event.queued_count ? `, ${event.queued_count} follow-up${event.queued_count > 1 ? "s" : ""} queued` : "";
  return `turn ${event.turn}: ${state}${queued}`;
}

function live(event) {
  $("detail-status").textContent = event.status;
  $("detail-status").className = "status " + event.status;
  $("detail-pod").textContent = event.pod_name || "";
  $("detail-run").textContent = event.run ?? "";
  $("detail-turn").textContent = turnState(event);
  $("detail-waiting").textContent = event.status === "PENDING" ? WAITING[event.waiting_for] || "" : "";
  $("detail-progress").textContent = event.progress
    ? `${event.progress.steps} step${event.progress.steps === 1 ? "" : "s"} so far${event.progress.step ? ": " + event.progress.step : ""}`
    : "";
  $("detail-last").textContent = event.last_assistant_message || "";
  $("detail-cost").textContent = usageText(event.usage);
  const tr = document.querySelector(`tr[data-id="${selected}"]`);
  if (tr) {
    tr.children[4].textContent = event.status;
    tr.children[4].className = "status " + event.status;
    tr.children[5].textContent = usd(event.usage?.cost_usd);
  }
}

/** An event that ends or starts a turn brings a new answer and artifacts: the conversation is read again. */
function onEvent(event) {
  live(event);
  if (shown.status !== event.status || shown.turn !== event.turn) {
    shown = { status: event.status, turn: event.turn };
    call("GetSession", { id: selected }).then(({ session }) => session.id === selected && render(session)).catch(show);
  }
}

async function open(id) {
  selected = id;
  closeTerminal();
  document.querySelectorAll("tbody tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.id === id));
  const { session } = await call("GetSession", { id });
  $("detail").hidden = false;
  shown = { status: status(session.status), turn: session.turn };
  render(session);
  if (events) {
    events.close();
  }
  events = new EventSource(`/api/sessions/${encodeURIComponent(id)}/events`);
  events.addEventListener("session", (e) => onEvent(JSON.parse(e.data)));
}

function closeTerminal() {
  if (socket) {
    socket.close();
    socket = null;
  }
  $("terminal").replaceChildren();
  $("terminal").hidden = true;
}

function openTerminal() {
  closeTerminal();
  $("terminal").hidden = false;
  const term = new window.Terminal({ cols: 120, rows: 32, rendererType: "dom" });
  term.open($("terminal"));
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/sessions/${encodeURIComponent(selected)}/attach`);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => socket.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
  socket.onmessage = (e) => term.write(new Uint8Array(e.data));
  socket.onclose = (e) => term.write(`\r\n[terminal closed: ${e.reason || e.code}]\r\n`);
  const encoder = new TextEncoder();
  term.onData((data) => socket && socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(data)));
}

$("filters").addEventListener("input", () => list().catch(show));
$("filters").addEventListener("submit", (e) => { e.preventDefault(); list().catch(show); });
$("more").addEventListener("click", () => list(true).catch(show));
$("open-terminal").addEventListener("click", openTerminal);
document.querySelectorAll("[data-command]").forEach((button) => button.addEventListener("click", async () => {
  try {
    await call(button.dataset.command, { id: selected });
    button.blur();
  } catch (e) {
    show(e);
  }
}));
$("follow-up").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = new FormData(e.target).get("text");
  try {
    await call("SendMessage", { id: selected, text });
    e.target.reset();
  } catch (error) {
    show(error);
  }
});
$("create").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const { session } = await call("CreateSession", { agent: form.get("agent"), team: form.get("team"), prompt: form.get("prompt") });
    e.target.reset();
    $("sessions").prepend(row(session));
    setTimeout(() => open(session.id).catch(show), 1500);
  } catch (error) {
    show(error);
  }
});

const csv = (value) => (value || "").split(",").map((v) => v.trim()).filter((v) => v);

const DAY = 86400;
const CHART_STATUSES = ["SUCCEEDED", "FAILED", "RUNNING", "PENDING", "PAUSED", "TERMINATED"];

async function metrics() {
  // the last 14 days, whole days (UTC), one bucket each
  const to = new Date(Math.ceil(Date.now() / (DAY * 1000)) * DAY * 1000);
  const from = new Date(to.getTime() - 14 * DAY * 1000);
  const m = await call("GetMetrics", { from: from.toISOString(), to: to.toISOString(), bucketSeconds: DAY });
  const rows = [["Sessions", m.total || 0], ["Success rate", `${Math.round((m.successRate || 0) * 100)}%`],
    ["Cost", usd(m.usage?.costUsd)], ["Tokens", tokens(m.usage || {})], ["Pod time", minutes(m.usage?.podSeconds)]];
  $("metrics").replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dd.dataset.metric = k;
    return [dt, dd];
  }));
  const days = (m.buckets || []).map((b) => ({ label: new Date(b.start).toISOString().slice(5, 10), counts: b.byStatus || {} }));
  $("chart-days").replaceChildren(stackedColumns(days, CHART_STATUSES));
  $("chart-durations").replaceChildren(horizontalBars([["p50", m.durationP50Seconds], ["p90", m.durationP90Seconds],
    ["p95", m.durationP95Seconds], ["p99", m.durationP99Seconds]]
    .map(([label, seconds]) => ({ label, value: seconds || 0, text: `${Math.round(seconds || 0)} s` }))));
  const costs = Object.entries(m.usageByTeam || {}).map(([name, usage]) => ({ label: team(name), value: usage.costUsd || 0,
    text: `${usd(usage.costUsd)} · ${minutes(usage.podSeconds)}` })).sort((a, b) => b.value - a.value);
  $("chart-cost").replaceChildren(horizontalBars(costs));
  $("budgets").replaceChildren(...(m.budgets || []).map((budget) => {
    const tr = document.createElement("tr");
    tr.dataset.team = budget.team;
    tr.className = budget.exhausted ? "exhausted" : "";
    for (const value of [budget.team, `${usd(budget.spentUsd)} of ${usd(budget.monthlyBudgetUsd)}`,
      budget.exhausted ? "spent: new runs wait" : "", budget.waitingSessions || 0]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  }));
  $("budgets-table").hidden = !(m.budgets || []).length;
}

async function teams() {
  const { teams = [] } = await call("ListTeams", {});
  $("teams").replaceChildren(...teams.map((team) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#";
    a.textContent = team.id;
    a.addEventListener("click", async (e) => {
      e.preventDefault();
      const { settings } = await call("GetTeamSettings", { teamId: team.id }).catch(show) || {};
      if (settings) {
        editTeam(settings);
      }
    });
    li.append(a);
    return li;
  }));
  $("team-settings").hidden = false;
}

function editTeam(settings) {
  const form = $("team-settings");
  form.teamId.value = settings.teamId || "";
  form.slackChannels.value = (settings.slackChannels || []).join(", ");
  form.jiraProjects.value = (settings.jiraProjects || []).join(", ");
  form.githubRepositories.value = (settings.githubRepositories || []).join(", ");
  form.concurrencyLimit.value = settings.concurrencyLimit || 0;
  form.defaultRunnerImage.value = settings.defaultRunnerImage || "";
  form.defaultInstructions.value = settings.defaultInstructions || "";
  form.runnerMode.value = settings.runnerMode || "";
  form.monthlyBudgetUsd.value = settings.monthlyBudgetUsd || 0;
  form.agentPrompt.value = settings.agentPrompt || "";
  form.repositories.value = Object.entries(settings.repositories || {}).map(([from, to]) => `${from} = ${to}`).join("\n");
  form.runnerEnvSecret.value = settings.runnerEnvSecret || "";
  form.permissionMode.value = settings.permissionMode || "";
  form.allowedTools.value = settings.allowedTools || "";
  form.disallowedTools.value = settings.disallowedTools || "";
}

// "C0123 = acme/api" lines: where a channel's or project's sessions work
function mappings(text) {
  return Object.fromEntries(text.split("\n").map((line) => line.split("=").map((part) => part.trim()))
    .filter((pair) => pair.length === 2 && pair[0] && pair[1]));
}

$("team-settings").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  try {
    await call("UpdateTeamSettings", { settings: {
      teamId: form.teamId.value, slackChannels: csv(form.slackChannels.value), jiraProjects: csv(form.jiraProjects.value),
      githubRepositories: csv(form.githubRepositories.value), concurrencyLimit: Number(form.concurrencyLimit.value) || 0,
      defaultRunnerImage: form.defaultRunnerImage.value, defaultInstructions: form.defaultInstructions.value,
      runnerMode: form.runnerMode.value, monthlyBudgetUsd: Number(form.monthlyBudgetUsd.value) || 0,
      agentPrompt: form.agentPrompt.value, repositories: mappings(form.repositories.value),
      runnerEnvSecret: form.runnerEnvSecret.value, permissionMode: form.permissionMode.value,
      allowedTools: form.allowedTools.value, disallowedTools: form.disallowedTools.value } });
    await teams();
  } catch (error) {
    show(error);
  }
});

async function deadLetters() {
  let page;
  try {
    page = await call("ListDeadLetters", { pageSize: 50 });
  } catch (error) {
    $("dead-letters-panel").hidden = true; // not an admin
    return;
  }
  $("dead-letters").replaceChildren(...(page.deadLetters || []).map((letter) => {
    const tr = document.createElement("tr");
    tr.dataset.sequence = letter.sequence;
    for (const value of [letter.sequence, letter.originalSubject, letter.error || "", letter.replayedBy || ""]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    const replay = document.createElement("button");
    replay.textContent = "Replay";
    replay.addEventListener("click", async () => {
      try {
        await call("ReplayDeadLetter", { sequence: letter.sequence });
        await deadLetters();
      } catch (error) {
        show(error);
      }
    });
    const td = document.createElement("td");
    td.append(replay);
    tr.append(td);
    return tr;
  }));
}

$("metrics-panel").addEventListener("toggle", (e) => e.target.open && metrics().catch(show));
$("teams-panel").addEventListener("toggle", (e) => e.target.open && teams().catch(show));
$("dead-letters-panel").addEventListener("toggle", (e) => e.target.open && deadLetters().catch(show));

list().catch(show);
// a link from a reply (#session=ID) opens that session
const linked = new URLSearchParams(location.hash.slice(1)).get("session");
if (linked) open(linked).catch(show);

// Calls every DashboardService method through the official Connect client for Node, once per pass:
// binary codec, JSON codec, and JSON with GET for the methods without side effects. The Java test
// (ConnectNodeClientTest) starts the dashboard, seeds the sessions and the dead letter, and reads the
// exit code; each line printed is one call that did what it should.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DashboardService, SessionStatus } from "./gen/api/v1/dashboard_service_pb.js";

const { BASE_URL, MEMBER_TOKEN, ADMIN_TOKEN } = process.env;
const passes = JSON.parse(process.env.PASSES);

function client(token, options) {
  const transport = createConnectTransport({
    baseUrl: BASE_URL,
    httpVersion: "1.1",
    ...options,
    interceptors: [(next) => async (request) => {
      request.header.set("Authorization", `Bearer ${token}`);
      return next(request);
    }],
  });
  return createClient(DashboardService, transport);
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function expectCode(call, code, what) {
  try {
    await call();
  } catch (e) {
    const error = ConnectError.from(e);
    check(error.code === code, `${what}: expected ${Code[code]}, got ${Code[error.code]} (${error.message})`);
    return;
  }
  throw new Error(`${what}: expected ${Code[code]}, got success`);
}

const modes = [
  { name: "binary", options: { useBinaryFormat: true } },
  { name: "json", options: { useBinaryFormat: false } },
  { name: "json+GET", options: { useBinaryFormat: false, useHttpGet: true } },
];

for (const [index, mode] of modes.entries()) {
  const ids = passes[index];
  const member = client(MEMBER_TOKEN, mode.options);
  const admin = client(ADMIN_TOKEN, mode.options);
  const log = (method) => console.log(`${mode.name} ${method} ok`);

  const list = await member.listSessions({ statuses: [SessionStatus.RUNNING], pageSize: 200 });
  check(list.sessions.some((s) => s.id === ids.running), "ListSessions misses the running session");
  log("ListSessions");
  const got = await member.getSession({ id: ids.running });
  check(got.session?.status === SessionStatus.RUNNING && got.session.team === "team-a", "GetSession");
  log("GetSession");
  const created = await member.createSession({ agent: "buck", prompt: `from node, ${mode.name}` });
  check(created.session?.status === SessionStatus.PENDING && created.session.team === "team-a", "CreateSession");
  log("CreateSession");
  await member.deleteSession({ id: ids.finished });
  await expectCode(() => member.deleteSession({ id: ids.running }), Code.FailedPrecondition, "DeleteSession of a running one");
  log("DeleteSession");
  await member.pauseSession({ id: ids.running });
  log("PauseSession");
  await member.resumeSession({ id: ids.paused });
  log("ResumeSession");
  await member.sendMessage({ id: ids.running, text: `a follow-up from node, ${mode.name}` });
  log("SendMessage");
  await member.terminateSession({ id: ids.running });
  log("TerminateSession");
  const metrics = await member.getMetrics({ bucketSeconds: 3600n });
  check(metrics.total > 0n, "GetMetrics counts nothing");
  log("GetMetrics");
  const settings = { teamId: "team-a", slackChannels: ["C0NODE"], concurrencyLimit: 2 };
  await expectCode(() => member.updateTeamSettings({ settings }), Code.PermissionDenied, "UpdateTeamSettings by a member");
  const updated = await admin.updateTeamSettings({ settings });
  check(updated.settings?.concurrencyLimit === 2, "UpdateTeamSettings");
  log("UpdateTeamSettings");
  const team = await member.getTeamSettings({ teamId: "team-a" });
  check(team.settings?.slackChannels[0] === "C0NODE", "GetTeamSettings");
  log("GetTeamSettings");
  const teams = await member.listTeams({});
  check(teams.teams.some((t) => t.id === "team-a"), "ListTeams");
  log("ListTeams");
  const letters = await admin.listDeadLetters({ pageSize: 200 });
  check(letters.deadLetters.some((d) => d.sequence === BigInt(ids.deadLetter)), "ListDeadLetters");
  await expectCode(() => member.listDeadLetters({}), Code.PermissionDenied, "ListDeadLetters by a member");
  log("ListDeadLetters");
  await admin.replayDeadLetter({ sequence: BigInt(ids.deadLetter) });
  log("ReplayDeadLetter");
  await expectCode(() => member.getSession({ id: "no-such-session" }), Code.NotFound, "GetSession of nothing");
  await expectCode(() => client("not-a-token", mode.options).listTeams({}), Code.Unauthenticated, "a bad token");
  log("errors");
}
console.log("all calls ok");

import { assert, assertEquals } from "@std/assert";
import { type Alert, alertSeverities, alertStates, decodeAlert, parseAlert } from "./alert.ts";
import { encodeEvent } from "./registry.ts";

const alert: Alert = {
  alertId: "alert-1",
  deviceId: "dev-1",
  type: "overheating",
  severity: "critical",
  state: "active",
  value: 41.2,
  threshold: 40,
  windowStart: "2025-07-22T22:30:00.000Z",
  windowEnd: "2025-07-22T22:31:00.000Z",
  ts: "2025-07-22T22:31:00.250Z",
};

function failedPaths(input: unknown): string[] {
  const result = parseAlert(input);
  assert(!result.ok, "expected the alert to be rejected");
  assertEquals(result.error.kind, "alert");
  return result.error.issues.map((issue) => issue.path);
}

Deno.test("parseAlert() accepts every severity and state", () => {
  for (const severity of alertSeverities) {
    for (const state of alertStates) {
      const value = { ...alert, severity, state };
      assertEquals(parseAlert(value), { ok: true, value });
    }
  }
});

Deno.test("parseAlert() names the failing field", () => {
  assertEquals(failedPaths({ ...alert, severity: "fatal" }), ["severity"]);
  assertEquals(failedPaths({ ...alert, state: "resolved" }), ["state"]);
  assertEquals(failedPaths({ ...alert, type: "" }), ["type"]);
  assertEquals(failedPaths({ ...alert, alertId: "" }), ["alertId"]);
  assertEquals(failedPaths({ ...alert, value: "41.2" }), ["value"]);
  assertEquals(failedPaths({ ...alert, threshold: Infinity }), ["threshold"]);
  assertEquals(failedPaths({ ...alert, windowEnd: alert.windowStart }), ["windowEnd"]);
  assertEquals(failedPaths({ ...alert, ts: "2025-07-22" }), ["ts"]);
});

Deno.test("parseAlert() normalises legacy fields and timestamps", () => {
  const legacy = {
    alert_id: "alert-1",
    device_id: "dev-1",
    type: "overheating",
    severity: "critical",
    state: "active",
    value: 41.2,
    threshold: 40,
    window_start: "2025-07-22T22:30:00Z",
    window_end: "2025-07-23T00:31:00+02:00",
    timestamp: 1753223460250,
  };
  assertEquals(parseAlert(legacy), { ok: true, value: alert });
});

Deno.test("decodeAlert() round-trips through encodeEvent()", () => {
  const bytes = encodeEvent(alert);
  assertEquals(
    new TextDecoder().decode(bytes),
    '{"alertId":"alert-1","deviceId":"dev-1","type":"overheating","severity":"critical",' +
      '"state":"active","value":41.2,"threshold":40,"windowStart":"2025-07-22T22:30:00.000Z",' +
      '"windowEnd":"2025-07-22T22:31:00.000Z","ts":"2025-07-22T22:31:00.250Z"}',
  );
  assertEquals(decodeAlert(bytes), { ok: true, value: alert });
});

Deno.test("decodeAlert() tells invalid JSON from schema violations", () => {
  const broken = decodeAlert("");
  assert(!broken.ok);
  assertEquals(broken.error.reason, "invalid-json");
  const invalid = decodeAlert("{}");
  assert(!invalid.ok);
  assertEquals(invalid.error.reason, "schema");
  assertEquals(invalid.error.issues.length, 10);
});

/**
 * `deno lint` rules for where the Deno APIs with outside effects may be used (registered in the
 * root deno.json `lint.plugins`, so they run in `deno task ok` and in the editor). They work on
 * the syntax tree: look-alikes in comments and strings never match, and `Deno["env"]`,
 * `globalThis.Deno.exit` and `const { env } = Deno` are seen. File roles come from
 * `scripts/code_roles.ts`:
 *
 * - `iot/env-exit-only-in-main` (and `iot/process-env-exit-only-in-main` for Node's `process`):
 *   `Deno.env`, `Deno.exit` only in files named `main.ts`, under `scripts/`, and in test code
 *   (libraries get their configuration passed in);
 * - `iot/dlopen-only-in-kafka-native`: `Deno.dlopen` only under `kafka/native/`;
 * - `iot/listen-only-in-servers`: `Deno.listen`, `Deno.listenTls`, `Deno.listenDatagram`,
 *   `Deno.serve` only in server modules (a `server/` folder or `*server.ts`) and test code;
 * - `iot/no-deno-in-processor-core`: no `Deno` at all (values or types) in processor/core/
 *   outside its tests;
 * - `iot/no-deno-alias`: outside test code, `Deno` is only used as `Deno.<api>` (an alias such
 *   as `const d = Deno` would hide the API from the rules above).
 *
 * @module
 */
import {
  isFfiModule,
  isProcessorCore,
  isServerModule,
  isTestCode,
  mayReadEnvAndExit,
} from "./code_roles.ts";

type Node = Deno.lint.Node;

/** One use of a namespace object (`Deno` or `process`) and the API it reaches. */
interface Use {
  /** The node to report. */
  node: Node;
  /** The member used (`env`, `exit`...), or null when the namespace itself is passed around. */
  api: string | null;
  /** A type position (`Deno.Listener`, `typeof Deno` in a type). */
  typeOnly: boolean;
}

const LISTEN_APIS = new Set(["listen", "listenTls", "listenDatagram", "serve", "serveHttp"]);
const ENV_EXIT_APIS = new Set(["env", "exit"]);
const GLOBAL_OBJECTS = new Set(["globalThis", "window", "self"]);
const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);

/** The path `deno lint` reports relative to the repo root, with `/` separators. */
export function repoPath(filename: string): string {
  const path = filename.replaceAll("\\", "/");
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

function parentOf(node: Node): Node | undefined {
  return (node as { parent?: Node }).parent;
}

function nameOf(node: Node, computed: boolean): string | null {
  if (!computed && node.type === "Identifier") return node.name;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  return null;
}

/** What a reference to the identifier `id` (named `Deno` or `process`) reaches; [] if none. */
export function namespaceUses(id: Deno.lint.Identifier): Use[] {
  const parent = parentOf(id);
  let ns: Node = id;
  switch (parent?.type) {
    case undefined:
      return [];
    case "MemberExpression": // `x.Deno` is not the global unless x is the global object
      if (parent.property !== id) break;
      if (parent.computed || parent.object.type !== "Identifier") return [];
      if (!GLOBAL_OBJECTS.has(parent.object.name)) return [];
      ns = parent;
      break;
    case "TSQualifiedName":
      return parent.left === id ? [{ node: parent, api: parent.right.name, typeOnly: true }] : [];
    case "TSTypeQuery":
      return [{ node: parent, api: null, typeOnly: true }];
    case "Property":
      if (parent.key === id && !parent.computed && !parent.shorthand) return [];
      break;
    case "MethodDefinition":
    case "PropertyDefinition":
    case "TSPropertySignature":
    case "TSEnumMember":
    case "ImportSpecifier":
    case "ExportSpecifier":
      return [];
  }
  const user = parentOf(ns);
  if (user?.type === "MemberExpression" && user.object === ns) {
    return [{ node: user, api: nameOf(user.property, user.computed), typeOnly: false }];
  }
  if (user?.type === "VariableDeclarator" && user.init === ns && user.id.type === "ObjectPattern") {
    return user.id.properties.map((p) =>
      p.type === "Property"
        ? { node: p, api: nameOf(p.key, p.computed), typeOnly: false }
        : { node: p, api: null, typeOnly: false }
    );
  }
  if (user?.type === "UnaryExpression" && user.operator === "typeof") {
    return [{ node: user, api: "typeof", typeOnly: false }]; // feature detection
  }
  return [{ node: ns, api: null, typeOnly: false }];
}

/**
 * Violations present when a rule was introduced, in files owned elsewhere: each is skipped
 * until its owner fixes it. `lint_plugin_test.ts` fails once an entry no longer matches, so the
 * list only shrinks. Key: `<rule> <path> <namespace>.<api>`.
 */
export const KNOWN_VIOLATIONS: ReadonlySet<string> = new Set([
  // The library picks its own librdkafka; the path should come from main.ts via options.
  "env-exit-only-in-main kafka/native/library.ts Deno.env",
]);

type Check = (path: string, use: Use, report: (message: string) => void) => void;

/** A rule over the uses of the `namespaces` identifiers, minus {@linkcode KNOWN_VIOLATIONS}. */
function namespaceRule(
  name: string,
  check: Check,
  namespaces: readonly string[] = ["Deno"],
): Deno.lint.Rule {
  return {
    create(context) {
      const path = repoPath(context.filename);
      const visitor = (namespace: string) => (node: Deno.lint.Identifier) => {
        for (const use of namespaceUses(node)) {
          if (KNOWN_VIOLATIONS.has(`${name} ${path} ${namespace}.${use.api}`)) continue;
          check(path, use, (message) => context.report({ node: use.node, message }));
        }
      };
      return Object.fromEntries(
        namespaces.map((namespace) => [`Identifier[name="${namespace}"]`, visitor(namespace)]),
      );
    },
  };
}

const envExit = (namespace: string): Check => (path, use, report) => {
  if (use.typeOnly || use.api === null || !ENV_EXIT_APIS.has(use.api)) return;
  if (mayReadEnvAndExit(path)) return;
  report(
    `${namespace}.${use.api} only in main.ts, scripts/ and test code: ` +
      "a library gets its configuration passed in and reports errors to its caller",
  );
};

/** The plugin `deno lint` loads (rules named `iot/<rule>`). */
const plugin: Deno.lint.Plugin = {
  name: "iot",
  rules: {
    "env-exit-only-in-main": namespaceRule("env-exit-only-in-main", envExit("Deno")),
    "process-env-exit-only-in-main": namespaceRule(
      "process-env-exit-only-in-main",
      envExit("process"),
      ["process"],
    ),
    "dlopen-only-in-kafka-native": namespaceRule(
      "dlopen-only-in-kafka-native",
      (path, use, report) => {
        if (use.api === "dlopen" && !use.typeOnly && !isFfiModule(path)) {
          report("Deno.dlopen only in kafka/native/: the FFI symbol tables live there");
        }
      },
    ),
    "listen-only-in-servers": namespaceRule("listen-only-in-servers", (path, use, report) => {
      if (use.typeOnly || use.api === null || !LISTEN_APIS.has(use.api)) return;
      if (isServerModule(path) || isTestCode(path)) return;
      report(
        `Deno.${use.api} only in server modules (a server/ folder or *server.ts) and test code`,
      );
    }),
    "no-deno-in-processor-core": namespaceRule("no-deno-in-processor-core", (path, use, report) => {
      if (!isProcessorCore(path) || isTestCode(path)) return;
      const what = use.api === null ? "Deno" : `Deno.${use.api}`;
      report(`processor/core must not use ${what}: pass what it needs in (clock, config)`);
    }),
    "no-deno-alias": namespaceRule("no-deno-alias", (path, use, report) => {
      if (use.api !== null || use.typeOnly || isTestCode(path) || isProcessorCore(path)) return;
      report("use Deno.<api> directly: an alias of the Deno namespace hides it from the gate");
    }),
  },
};

export default plugin;

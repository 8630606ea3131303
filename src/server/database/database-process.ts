// The entry of the playground's database process (bundled as dist/host/database-process.mjs; run from
// source by Node's type stripping under the tests and `astro dev`). Every lab's SQLite work runs here, one
// request at a time, so no query ever runs on the host's event loop; and a query that runs too long is
// stopped by killing this process, which nothing inside SQLite can do (node:sqlite has no interrupt, and
// a worker thread cannot be terminated while it is inside SQLite's C code).
import type { ConnectionKind, DatabaseAnswer, DatabaseRequest } from "./database-protocol.ts";
import { LabConnection } from "./lab-connection.ts";

const connections = new Map<string, LabConnection>();
const keyOf = (file: string, kind: ConnectionKind) => `${kind}:${file}`;

function answer(request: DatabaseRequest): DatabaseAnswer {
  try {
    if (request.op === "close") {
      for (const kind of request.kind ? [request.kind] : (["lesson", "sandbox"] as const)) {
        connections.get(keyOf(request.file, kind))?.close();
        connections.delete(keyOf(request.file, kind));
      }
      return { id: request.id, ok: true, value: undefined };
    }
    const key = keyOf(request.file, request.kind);
    let connection = connections.get(key);
    if (!connection) {
      connection = new LabConnection(request.file, request.kind, request.limits);
      connections.set(key, connection);
    }
    return { id: request.id, ok: true, value: connection.query(request.op, request.sql, request.params) };
  } catch (caught) {
    const error = caught as { message?: unknown; code?: unknown; errcode?: unknown; errstr?: unknown };
    return {
      id: request.id,
      ok: false,
      error: {
        message: String(error.message ?? caught),
        ...(typeof error.code === "string" && { code: error.code }),
        ...(typeof error.errcode === "number" && { errcode: error.errcode }),
        ...(typeof error.errstr === "string" && { errstr: error.errstr }),
      },
    };
  }
}

process.on("message", (request: DatabaseRequest) => process.send?.(answer(request)));
// The host went away (even by kill -9): so does this process, and the connections with it.
process.on("disconnect", () => process.exit(0));
process.send?.({ id: 0, ok: true, value: "ready" } satisfies DatabaseAnswer);

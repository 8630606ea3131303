import type { Server } from "socket.io";
import type { LessonServerOptions, NodeContext } from "../../lessons/lab-context.js";
import { defaultLimits } from "../config.js";
import type { CompiledServerCode } from "../sandbox/compile.js";
import { prepareLearnerServer } from "../sandbox/learner-server.js";
import type { SandboxLimits } from "../sandbox/sandbox-limits.js";
import type { HostMessage, NodeMessage } from "./node-protocol.js";

const NOT_ON_A_NODE = "is not available on a Scaling node: the lab in front of the nodes keeps it.";

/**
 * A learner's server code on one Scaling node, in a sandbox of this node's own: the code arrives as the
 * host's first message. The learner's handlers get the node's name as `lab.node`; a limit hit is reported
 * to the host, which takes the whole lab back to the lesson's code.
 */
export function learnerNodeCode(
  node: string,
  limits: SandboxLimits,
  send: (message: NodeMessage) => void,
): Promise<{ handlers: (io: Server, context: NodeContext) => void; options: LessonServerOptions }> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: HostMessage) => {
      if (message?.type !== "code") return;
      process.off("message", onMessage);
      const code: CompiledServerCode = { js: message.js, map: message.map };
      let log: (line: string) => void = () => undefined;
      prepareLearnerServer(code, { ...defaultLimits, ...limits }, defaultLimits.maxPayloadBytes, {
        log: (line) => log(line),
        stopped: (reason) => {
          log(reason);
          send({ type: "code-stopped", reason });
        },
      }).then((prepared) => {
        if (!prepared.ok) return reject(new Error(`the server code failed to start: ${prepared.message}`));
        const { server } = prepared;
        resolve({
          options: server.options,
          handlers: (io, context) => {
            log = context.log;
            const cleanups: (() => void)[] = [];
            io.engine.on("close", () => cleanups.splice(0).forEach((cleanup) => cleanup()));
            server.handlers(
              io,
              {
                log: context.log,
                settings: {},
                database: () => {
                  throw new Error(`lab.database() ${NOT_ON_A_NODE}`);
                },
                get: () => {
                  throw new Error(`lab.get() ${NOT_ON_A_NODE}`);
                },
                onClose: (cleanup) => void cleanups.push(cleanup),
              },
              node,
            );
          },
        });
      }, reject);
    };
    process.on("message", onMessage);
  });
}

import type { Server } from "socket.io";
import type { LabErrorPayload } from "../../shared/lab-api.js";
import { clientName } from "./client-name.js";
import type { LabRules } from "./lab-rules.js";
import { refuseRecoveryWhenFull } from "./recovery-cap.js";

/**
 * At most `maxClients` sockets at once: one more gets a connect_error the page can read, and the log
 * says who was refused. A recovered connection skips middlewares, hence the recovery cap beside it.
 */
export function capClients(io: Server, { caps, scope, log }: LabRules): void {
  const namespace = io.of("/");
  const max = caps.maxClients;
  refuseRecoveryWhenFull(namespace, max);
  io.use((socket, next) => {
    if (namespace.sockets.size < max) return next();
    const error: Error & { data?: LabErrorPayload } = new Error(
      `${scope.subject} already has ${max} clients connected, the most a ${scope.noun} allows. Remove a client first.`,
    );
    error.data = { code: "lab_full", message: error.message };
    log.add({ at: Date.now(), kind: "refused", client: clientName(socket), message: error.message });
    next(error);
  });
}

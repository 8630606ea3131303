import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { PlaygroundConfig } from "../config.js";
import type { LessonLab } from "../lesson-lab.js";
import { sendError } from "../http-json.js";
import { hostCheck } from "./allowed-hosts.js";
import { createPlayground, type Playground } from "./playground.js";
import { PeerDirectory } from "./peers.js";
import { connectQuotaStore } from "./quota-store.js";

export type SiteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RunningPlayground {
  server: Server;
  playground: Playground;
  /** The origin the server answers on, e.g. http://localhost:4321. */
  origin: string;
  close(): Promise<void>;
}

const noSite: SiteHandler = (_req, res) => sendError(res, 404, "not_found", "Nothing here.");

/** One HTTP server, one port: the site, the control API and every lab. */
export async function listen(
  config: PlaygroundConfig,
  lessons: ReadonlyMap<string, LessonLab>,
  site: SiteHandler = noSite,
): Promise<RunningPlayground> {
  const peers = config.peers ? await PeerDirectory.connect(config.peers) : undefined;
  // The processes that share a Redis share their quota buckets too: an address has one budget, not one per process.
  const quotaStore = config.peers
    ? await connectQuotaStore(config.peers.redisUrl).catch(async (error: unknown) => {
        await peers?.close();
        throw error;
      })
    : undefined;
  const playground = createPlayground(
    lessons,
    config.limits,
    config.dataDir,
    peers,
    config.trustProxy,
    hostCheck(config.allowedHosts, config.host),
    quotaStore,
  );
  const server = createServer((req, res) => playground.handleRequest(req, res, () => site(req, res)));
  server.on("upgrade", (req, socket, head) => {
    if (!playground.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  await peers?.announce(config.peers?.url ?? `http://127.0.0.1:${port}`);
  return {
    server,
    playground,
    origin: `http://${config.host && !config.host.includes(":") ? config.host : "localhost"}:${port}`,
    async close() {
      await peers?.close();
      await playground.close();
      await quotaStore?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

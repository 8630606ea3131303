import type { ServerOptions } from "socket.io";
import type { ServerLogEntry } from "../../shared/server-log.js";
import type { NodeConfig } from "./node-protocol.js";

/** The adapter a node's server runs with, and what to close after the server: the Redis connections it opened. */
export interface NodeAdapter {
  adapter: ServerOptions["adapter"] | undefined;
  close(): Promise<void>;
}

/** The adapter the learner picked for this lab's nodes; Redis errors go to the lab's log. */
export async function createNodeAdapter(
  { adapter: kind, labKey, redisUrl }: NodeConfig,
  log: (entry: ServerLogEntry) => void,
): Promise<NodeAdapter> {
  if (kind === "cluster") {
    const { createAdapter } = await import("@socket.io/cluster-adapter");
    return { adapter: createAdapter() as unknown as ServerOptions["adapter"], close: async () => undefined };
  }
  if (kind === "redis-streams") {
    if (!redisUrl) throw new Error("The Redis Streams adapter needs REDIS_URL.");
    const { createClient } = await import("redis");
    const { createAdapter } = await import("@socket.io/redis-streams-adapter");
    const client = createClient({ url: redisUrl });
    // The adapter duplicates the client for its blocking XREAD loop and its subscriptions, and never hands
    // the copies back; without destroying them, a closing node would wait out the XREAD block (5 s).
    const copies: { destroy(): void }[] = [];
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((...args: Parameters<typeof duplicate>) => {
      const copy = duplicate(...args);
      copy.on("error", () => undefined);
      copies.push(copy);
      return copy;
    }) as typeof client.duplicate;
    client.on("error", (error: Error) => log({ at: Date.now(), kind: "log", message: `Redis: ${error.message}` }));
    await client.connect();
    const adapter = createAdapter(client, {
      // One lab's nodes share a stream, channels and sessions that no other lab's nodes read.
      streamName: `playground:${labKey}`,
      channelPrefix: `playground:${labKey}`,
      sessionKeyPrefix: `playground:${labKey}:session:`,
      maxLen: 1000,
    });
    return {
      adapter: adapter as unknown as ServerOptions["adapter"],
      async close() {
        for (const copy of copies) copy.destroy();
        client.destroy();
      },
    };
  }
  return { adapter: undefined, close: async () => undefined };
}

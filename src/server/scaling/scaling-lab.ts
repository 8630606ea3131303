import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Balancer, handshakeSid, type Routing } from "./balancer.js";
import { NodeGroup, type NodeGroupOptions } from "./node-group.js";
import type { HostMessage } from "./node-protocol.js";
import { forwardRequest, forwardUpgrade } from "../proxy.js";
import { balancerPath, nodePath } from "./scaling-paths.js";
import { NODE_NAMES } from "../../shared/scaling-nodes.js";

export type ScalingLabOptions = Omit<NodeGroupOptions, "names" | "recoveryMs" | "startTimeoutMs"> & {
  /** Where the lab's URLs start, e.g. `/labs/<id>`. */
  prefix: string;
  names?: readonly string[];
  recoveryMs?: number;
  routing?: Routing;
};

/**
 * A Scaling lab: several real server nodes (separate processes) and a load balancer in front of them.
 * A client reaches one node directly at `<prefix>/nodes/<name>/socket.io`, or goes through the balancer
 * at `<prefix>/lb/socket.io`. Each node serves Socket.IO at its own `/socket.io`; this class only routes.
 */
export class ScalingLab {
  readonly balancer: Balancer;

  private constructor(
    private readonly options: ScalingLabOptions,
    private readonly group: NodeGroup,
  ) {
    this.balancer = new Balancer(
      group.nodes.map((node) => node.name),
      options.routing,
    );
  }

  static async start(options: ScalingLabOptions): Promise<ScalingLab> {
    return new ScalingLab(options, await NodeGroup.start(groupOptions(options)));
  }

  get names(): string[] {
    return this.group.nodes.map((node) => node.name);
  }

  nodePath(name: string): string {
    return nodePath(this.options.prefix, name);
  }

  get balancerPath(): string {
    return balancerPath(this.options.prefix);
  }

  /** Sends every node a message, e.g. Kick a client on whichever node holds it. */
  tell(message: HostMessage): void {
    this.group.tell(message);
  }

  close(): Promise<void> {
    return this.group.stop();
  }

  /** Routes a request under the lab's node or balancer paths; false when the URL is not one of them. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const target = this.route(req);
    if (!target) return false;
    const { port, path, viaBalancer, node } = target;
    const learn = viaBalancer && !hasSid(path) ? (body: string) => learnSid(this.balancer, body, node) : undefined;
    forwardRequest(req, res, port, path, { onBody: learn });
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const target = this.route(req);
    if (!target) return false;
    forwardUpgrade(req, socket, head, target.port, target.path);
    return true;
  }

  private route(req: IncomingMessage): { port: number; path: string; node: string; viaBalancer: boolean } | undefined {
    const url = req.url ?? "";
    const balancer = `${this.balancerPath}/`;
    if (url.startsWith(balancer)) {
      const rest = url.slice(balancer.length);
      const node = this.group.node(this.balancer.pick(sidOf(rest)));
      return node && { port: node.port, path: `/socket.io/${rest}`, node: node.name, viaBalancer: true };
    }
    for (const node of this.group.nodes) {
      const prefix = `${this.nodePath(node.name)}/`;
      if (url.startsWith(prefix))
        return { port: node.port, path: `/socket.io/${url.slice(prefix.length)}`, node: node.name, viaBalancer: false };
    }
    return undefined;
  }
}

/** The node group's options: the node group reads only the fields it knows. */
function groupOptions(options: ScalingLabOptions): NodeGroupOptions {
  return { ...options, recoveryMs: options.recoveryMs ?? 0, names: options.names ?? NODE_NAMES };
}

function sidOf(pathAndQuery: string): string | undefined {
  const query = pathAndQuery.indexOf("?");
  return query === -1 ? undefined : (new URLSearchParams(pathAndQuery.slice(query + 1)).get("sid") ?? undefined);
}

function hasSid(path: string): boolean {
  return sidOf(path) !== undefined;
}

function learnSid(balancer: Balancer, body: string, node: string): void {
  const sid = handshakeSid(body);
  if (sid) balancer.learn(sid, node);
}

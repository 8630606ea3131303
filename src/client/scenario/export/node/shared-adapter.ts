import { Server, type Namespace } from "socket.io";

type AdapterLike = { nsp: Namespace; broadcast(packet: unknown, opts: { flags?: { local?: boolean } }): void; close(): unknown };
type AdapterClass = new (nsp: Namespace) => AdapterLike;

/**
 * What stands in, in a script, for the Scaling lab's cluster or Redis Streams adapter: several plain servers
 * in one process share a set of adapters, and a broadcast on one is also delivered by the others to their own
 * sockets, as those adapters deliver it across nodes. It extends the adapter socket.io itself would use (the
 * in-memory one, or the session-aware one with recovery), found at runtime, since a script may import no
 * other package. Only broadcasts cross: `serverSideEmit` and `fetchSockets` stay local.
 */
export function sharedAdapter(recovery: boolean): AdapterClass {
  // A server never attached, only to read its adapter's class (the script exits when its run ends).
  const probe = new Server(recovery ? { connectionStateRecovery: {} } : {});
  const Base = probe.of("/").adapter.constructor as AdapterClass;
  const peers = new Set<AdapterLike>();
  return class SharedAdapter extends Base {
    constructor(nsp: Namespace) {
      super(nsp);
      peers.add(this);
    }

    override broadcast(packet: unknown, opts: { flags?: { local?: boolean } }): void {
      super.broadcast(packet, opts);
      if (opts.flags?.local) return;
      for (const peer of peers) if (peer !== this && peer.nsp.name === this.nsp.name) Base.prototype.broadcast.call(peer, packet, opts);
    }

    override close(): unknown {
      peers.delete(this);
      return super.close();
    }
  };
}

/**
 * Where a Scaling lab's clients connect, under the lab's own prefix (`/labs/<id>`): one node directly, or the
 * load balancer in front of them. The one place these paths are spelled.
 */
export function nodePath(prefix: string, name: string): string {
  return `${prefix}/nodes/${name}/socket.io`;
}

export function balancerPath(prefix: string): string {
  return `${prefix}/lb/socket.io`;
}

/** What follows `/labs/<id>/` on a request for a node or the balancer; a node's name is short, letters and digits. */
const SCALING_PATH = /^(?:nodes\/[A-Za-z0-9]{1,8}|lb)\/socket\.io\//;

export function isScalingPath(path: string): boolean {
  return SCALING_PATH.test(path);
}

import type { ScalingInfo } from "../../shared/lab-api.js";

/** Where a Scaling lab's client connects: one node by name, or the load balancer. */
export type ScalingTarget = string | "balancer";

/** The Socket.IO `path` of a target. */
export function targetPath(scaling: ScalingInfo, target: ScalingTarget): string {
  if (target === "balancer") return scaling.balancerPath;
  return (scaling.nodes.find((node) => node.name === target) ?? scaling.nodes[0])?.path ?? scaling.balancerPath;
}

/** The target a `path` belongs to, for the client panel's "Connects to" choice. */
export function pathTarget(scaling: ScalingInfo, path: string | undefined): ScalingTarget {
  if (path === scaling.balancerPath) return "balancer";
  return scaling.nodes.find((node) => node.path === path)?.name ?? scaling.nodes[0]?.name ?? "balancer";
}

/** The nth client starts on the nth node (Alice on A, Bob on B), then round again. */
export function initialTarget(scaling: ScalingInfo, index: number): ScalingTarget {
  return scaling.nodes[index % scaling.nodes.length]?.name ?? "balancer";
}

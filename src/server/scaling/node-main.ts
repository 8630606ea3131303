// The entry of a Scaling lab's node processes (bundled as scaling-node.mjs): a lab node that runs the
// Scaling lesson's handlers. The node itself, and the lab's rules it keeps, are in lab-node.ts.
import { scalingHandlers, type ScalingServer } from "../../lessons/scaling/server.js";
import { runLabNode } from "./lab-node.js";

// The node's server carries no event types; the lesson's handlers are written against its typed events.
runLabNode((io, context) => scalingHandlers(io as ScalingServer, context));

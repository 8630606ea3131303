// The entry of a Scaling lab's node processes (bundled as scaling-node.mjs): a lab node that runs the
// Scaling lesson's handlers. The node itself, and the lab's rules it keeps, are in lab-node.ts.
import scalingHandlers from "../../lessons/scaling/server.js";
import { runLabNode } from "./lab-node.js";

runLabNode(scalingHandlers);

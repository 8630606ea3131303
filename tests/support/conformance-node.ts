// A Scaling lab node that runs the conformance test's handlers instead of the Scaling lesson's: the
// same node process, with the same lab rules, as the lesson's nodes (bundled by scaling-setup.ts).
import { runLabNode } from "../../src/server/scaling/lab-node.js";
import { conformanceHandlers } from "./conformance-handlers.js";

runLabNode(conformanceHandlers);

/**
 * A Scaling lab's nodes unless told otherwise: the host starts them by these names and the lesson's page
 * offers "Node A" and "Node B". Here because both sides need them and neither should import the other.
 */
export const NODE_NAMES: readonly string[] = ["A", "B"];

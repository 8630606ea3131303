import { describe, expect, it } from "vitest";
import { Balancer, handshakeSid } from "../../src/server/scaling/balancer.js";

describe("the Scaling lab's load balancer", () => {
  it("round-robin sends each request to the next node, session or not", () => {
    const balancer = new Balancer(["A", "B"], "round-robin");
    balancer.learn("s1", "A");
    expect([balancer.pick(undefined), balancer.pick("s1"), balancer.pick("s1"), balancer.pick(undefined)]).toEqual(["A", "B", "A", "B"]);
  });

  it("sticky sends a known session to its node, and anything else to the next node", () => {
    const balancer = new Balancer(["A", "B"], "sticky");
    balancer.learn("s1", "B");
    expect([balancer.pick("s1"), balancer.pick("s1"), balancer.pick("unknown"), balancer.pick(undefined)]).toEqual(["B", "B", "A", "B"]);
  });

  it("reads the session id from an Engine.IO handshake body, and nothing from other bodies", () => {
    expect(handshakeSid('0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000}')).toBe("abc");
    expect(handshakeSid("40")).toBeUndefined();
    expect(handshakeSid("0{not json")).toBeUndefined();
    expect(handshakeSid('{"code":1,"message":"Session ID unknown"}')).toBeUndefined();
  });
});

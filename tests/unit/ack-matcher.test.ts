import { describe, expect, it } from "vitest";
import { AckMatcher } from "../../src/client/ack-matcher.js";
import { decodeSocketPacket } from "../../src/shared/frame-decoder.js";

describe("AckMatcher", () => {
  it("pairs an ACK with the emit of the same id that went the other way, whatever order the acks come in", () => {
    const matcher = new AckMatcher<string>();
    matcher.track("to-server", decodeSocketPacket('20["first"]'), "first");
    matcher.track("to-server", decodeSocketPacket('21["second"]'), "second");
    expect(matcher.track("to-client", decodeSocketPacket("31[]"), "")).toBe("second");
    expect(matcher.track("to-client", decodeSocketPacket("30[]"), "")).toBe("first");
  });

  it("does not pair an ACK with an emit that went the same way, or one in another namespace", () => {
    const matcher = new AckMatcher<string>();
    matcher.track("to-client", decodeSocketPacket('20["server asks"]'), "server asks");
    matcher.track("to-server", decodeSocketPacket('2/admin,0["admin"]'), "admin");
    expect(matcher.track("to-client", decodeSocketPacket("30[]"), "")).toBeUndefined();
    expect(matcher.track("to-server", decodeSocketPacket("30[]"), "")).toBe("server asks");
  });

  it("answers each emit once, and none after forget (a new connection restarts the ids)", () => {
    const matcher = new AckMatcher<string>();
    matcher.track("to-server", decodeSocketPacket('20["a"]'), "a");
    expect(matcher.track("to-client", decodeSocketPacket("30[]"), "")).toBe("a");
    expect(matcher.track("to-client", decodeSocketPacket("30[]"), "")).toBeUndefined();
    matcher.track("to-server", decodeSocketPacket('21["b"]'), "b");
    matcher.forget();
    expect(matcher.track("to-client", decodeSocketPacket("31[]"), "")).toBeUndefined();
  });
});

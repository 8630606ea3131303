import { describe, expect, it } from "vitest";
import { PageFrames } from "../../src/client/timeline/page-frames.js";
import { decodeSocketPacket } from "../../src/shared/frame-decoder.js";

const reasons = (event: string) => (event === "sync" ? "delivery check" : undefined);

describe("the page's own frames", () => {
  it("recognises a declared event and the ack that answers it on the same connection, and nothing else", () => {
    const frames = new PageFrames(reasons);
    expect(frames.classify("to-server", decodeSocketPacket('23["sync"]'))).toBe("delivery check");
    expect(frames.classify("to-server", decodeSocketPacket('24["send",{}]'))).toBeUndefined();
    expect(frames.classify("to-client", decodeSocketPacket("34[{}]"))).toBeUndefined();
    expect(frames.classify("to-client", decodeSocketPacket("33[]"))).toBe("delivery check");
    // Each ack answers once: a second ack with the same id is not the page's.
    expect(frames.classify("to-client", decodeSocketPacket("33[]"))).toBeUndefined();
  });

  it("forgets its asks with a new connection, whose ack ids start again", () => {
    const frames = new PageFrames(reasons);
    frames.classify("to-server", decodeSocketPacket('20["sync"]'));
    frames.forget();
    expect(frames.classify("to-client", decodeSocketPacket("30[]"))).toBeUndefined();
  });
});

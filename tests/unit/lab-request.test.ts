import { describe, expect, it } from "vitest";
import { parseLabRequest } from "../../src/server/lab/lab-request.js";

describe("parseLabRequest", () => {
  it("reads the lab id, the path inside the lab and the parameters the lab uses, once", () => {
    const request = parseLabRequest("/labs/abc_1-Z/socket.io/?EIO=4&transport=polling&client=Alice&sid=s1&ticket=t1");
    expect(request).toMatchObject({ id: "abc_1-Z", path: "socket.io/", client: "Alice", sid: "s1", ticket: "t1" });
    expect(request?.query?.get("EIO")).toBe("4");
  });

  it("keeps a path with no query apart from one whose query is empty", () => {
    expect(parseLabRequest("/labs/abc/http/tick")).toMatchObject({ path: "http/tick", query: undefined, client: undefined });
    expect(parseLabRequest("/labs/abc/http/tick?")?.query?.toString()).toBe("");
  });

  it("ignores a client parameter that is not a client name", () => {
    expect(parseLabRequest("/labs/abc/socket.io/?client=%3Cscript%3E")?.client).toBeUndefined();
  });

  it("is no lab request without an id and something after it", () => {
    expect(parseLabRequest("/labs/")).toBeUndefined();
    expect(parseLabRequest("/labs/abc/")).toBeUndefined();
    expect(parseLabRequest("/labs/a.b/socket.io/")).toBeUndefined();
    expect(parseLabRequest(undefined)).toBeUndefined();
  });
});

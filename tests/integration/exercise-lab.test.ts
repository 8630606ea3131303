import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExerciseLab } from "../../src/client/code/exercise-lab.js";
import { restoreLessonCode, runServerCode } from "../../src/client/code/server-code.js";
import { LabFeed } from "../../src/client/lab-feed.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import { received, type ServerExercise } from "../../src/shared/server-exercise.js";
import { createLab, startServer } from "../support/server.js";

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

/** A server exercise of this test's own (the shape of src/lessons/<slug>/server-exercise.ts): capitals in, capitals out. */
const shouting: ServerExercise = {
  task: "Relay `editing` to the other clients in capitals.",
  hints: ["toUpperCase()"],
  async check(lab) {
    const [ann, ben] = [await lab.connect("Ann"), await lab.connect("Ben")];
    const heard = received(ben, "editing", 2000);
    ann.emit("editing", "hello");
    const args = await heard;
    ann.disconnect();
    ben.disconnect();
    const pass = args?.[0] === "HELLO";
    return { pass, evidence: [`Ben received ${JSON.stringify(args ?? null)}`] };
  },
};

const SHOUTING = `import type { Server } from "socket.io";
export default (io: Server) => {
  io.on("connection", (socket) => {
    socket.on("editing", (text: string) => socket.broadcast.emit("editing", text.toUpperCase()));
  });
};
`;

describe("an ExerciseLab on a real lab, from Node", () => {
  it("connects named clients, drops one through the lab, and waits for the log lines it caused", async () => {
    const info = await createLab(running.origin, "emit");
    const feed = new LabFeed(info, running.origin);
    const lab = createExerciseLab(info, feed, running.origin);
    try {
      const ann = await lab.connect("Ann");
      expect(ann.connected).toBe(true);
      expect(await lab.waitForEntry((entry) => entry.kind === "connect" && entry.client === "Ann", 3000)).toBeDefined();
      await lab.drop("Ann");
      const gone = await lab.waitForEntry((entry) => entry.kind === "disconnect" && entry.client === "Ann", 3000);
      expect(gone).toBeDefined();
      expect(lab.entries().some((entry) => entry.kind === "connect" && entry.client === "Ann")).toBe(true);
      // Nothing matches: undefined after the wait, not a hang.
      expect(await lab.waitForEntry(() => false, 50)).toBeUndefined();
    } finally {
      lab.close();
      feed.close();
    }
  });

  it("judges a server exercise: the lesson's relay fails it, the learner's shouting relay passes it", async () => {
    const info = await createLab(running.origin, "emit");
    const feed = new LabFeed(info, running.origin);
    try {
      const judge = async () => {
        const lab = createExerciseLab(info, feed, running.origin);
        try {
          return await shouting.check(lab);
        } finally {
          lab.close();
        }
      };
      expect(await judge()).toEqual({ pass: false, evidence: ['Ben received ["hello"]'] });
      const put = await runServerCode(info, SHOUTING, running.origin);
      expect(put).toMatchObject({ ok: true, notes: [], lab: { serverCode: "learner" } });
      expect(await judge()).toEqual({ pass: true, evidence: ['Ben received ["HELLO"]'] });
      expect((await restoreLessonCode(info, running.origin)).serverCode).toBe("lesson");
    } finally {
      feed.close();
    }
  });

  it("answers a compile error with where it is, and a clamped option with a note", async () => {
    const info = await createLab(running.origin, "emit");
    const broken = await runServerCode(info, "export default () => { const = 1; };", running.origin);
    expect(broken).toMatchObject({ ok: false, code: "compile_error" });
    expect(broken.ok === false && "errors" in broken && broken.errors[0]).toMatchObject({ line: 1 });
    const clamped = await runServerCode(info, "export const options = { pingInterval: 1 };\nexport default () => {};\n", running.origin);
    expect(clamped.ok && clamped.notes.some((note) => note.startsWith("pingInterval 1 is outside"))).toBe(true);
  });
});

import { describeEntry, describeFrame, RUN_CLIENT, runFrames, type Exercise } from "../../shared/exercise.js";

export const exercise: Exercise = {
  task: 'Join the room "red", then ask the server to send news to it with io.to(room): your own client receives it too.',
  hints: [
    "Rooms live on the server: emit `join` with the room name, and wait for its acknowledgement before you ask for news.",
    'Then emit `send` with `{ target: "io.to(room)", room: "red" }`: io.to reaches the whole room, your own socket included.',
  ],
  withinMs: 10_000,
  judge(entries) {
    const joined = entries.find(
      (entry) => entry.kind === "room" && entry.client === RUN_CLIENT && entry.room === "red" && entry.action === "joined",
    );
    const frames = runFrames(entries);
    // Code itself must ask: news another client sent to "red" would reach Code too.
    const asked = frames.find((frame) => {
      const plan = frame.packet?.args?.[0] as { target?: string; room?: string } | undefined;
      return frame.kind === "received" && frame.packet?.event === "send" && plan?.target === "io.to(room)" && plan.room === "red";
    });
    const news = frames.find(
      (frame) =>
        frame.kind === "sent" &&
        frame.packet?.event === "news" &&
        (frame.packet.args?.[0] as { target?: string })?.target === "io.to(room)",
    );
    const evidence = [
      ...(joined ? [describeEntry(joined)] : ['Code has not joined "red".']),
      ...(asked ? [describeFrame(asked)] : ['Code has not asked for io.to(room) with the room "red".']),
      ...(news ? [describeFrame(news)] : []),
    ];
    if (!joined || !asked || !news)
      return { pass: false, evidence: news ? evidence : [...evidence, "No news sent with io.to(room) reached Code."] };
    return { pass: true, evidence };
  },
};

import { describe, expect, it } from "vitest";
import { describeScore, scorePrediction } from "../../src/lessons/rooms/prediction-score.js";

const clients = ["Alice", "Bob", "Carol", "Dave"];
const score = (predicted: string[], received: string[]) => scorePrediction(clients, new Set(predicted), new Set(received));

describe("the Rooms lesson's prediction score", () => {
  it("gives no points for boxes left unticked: ticking nobody before a send to Bob is not 3 of 4 right", () => {
    const result = score([], ["Bob"]);
    expect(result.scored).toBe(false);
    expect(result.total).toBe(0);
    expect(result.right).toEqual([]);
    expect(describeScore(result)).toMatch(/no prediction to score/);
  });

  it("counts only the ticked clients and the receivers: ticking just Bob when only Bob receives is 1 of 1", () => {
    const result = score(["Bob"], ["Bob"]);
    expect(result).toMatchObject({ scored: true, right: ["Bob"], wrongTicks: [], missed: [], total: 1 });
    expect(describeScore(result)).toBe("Your prediction: 1 of 1 right.");
  });

  it("counts a receiver left unticked as missed and a ticked client that got nothing as wrong", () => {
    const result = score(["Alice", "Bob", "Dave"], ["Alice", "Bob", "Carol"]);
    expect(result).toMatchObject({ right: ["Alice", "Bob"], wrongTicks: ["Dave"], missed: ["Carol"], total: 4 });
    expect(describeScore(result)).toBe("Your prediction: 2 of 4 right (missed Carol; Dave did not receive it).");
  });

  it("scores ticking everyone for an io.emit as all right, and ticking everyone for a send to nobody as all wrong", () => {
    expect(score(clients, clients)).toMatchObject({ right: clients, total: 4 });
    expect(score(clients, [])).toMatchObject({ right: [], wrongTicks: clients, total: 4 });
  });
});

/**
 * What the code playground gives every run (src/lessons/<slug>/starter.ts and solution.ts run with it):
 * your lab's address and the options that reach it. The playground also adds the run's ticket and name.
 */
declare const lab: {
  /** The site's origin, e.g. "http://localhost:4321". */
  url: string;
  options: { path: string; query: Record<string, string> };
};

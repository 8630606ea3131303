import { defineCollection } from "astro:content";
import { z } from "astro/zod";
import { glob } from "astro/loaders";

/** The single description of what a lesson may say: src/lessons/<slug>/index.md. */
const lessons = defineCollection({
  loader: glob({
    pattern: "*/index.md",
    base: "./src/lessons",
    generateId: ({ entry }) => entry.split("/")[0] ?? entry,
  }),
  schema: z.object({
    title: z.string().min(1),
    order: z.number().int().positive(),
    summary: z.string().min(1).max(160),
    /** A lesson that is not written yet is listed as "coming soon" and has no lab. */
    status: z.enum(["published", "coming-soon"]).default("published"),
    lab: z
      .object({
        /** The virtual clients the lab starts with, in order. */
        clients: z.array(z.string().min(1).max(32)).max(8).default(["Alice", "Bob"]),
      })
      .optional(),
    /**
     * The lab parts each step uses, by step id (the heading's words before a colon, as in the step's URL):
     * `the-problem: [Alice, Bob, Server log]`. The lab expands those and collapses the rest; a step left
     * out shows the whole lab. The build checks every id and name (src/components/LabParts.astro).
     */
    labParts: z.record(z.string().regex(/^[a-z0-9-]+$/), z.array(z.string().min(1)).min(1)).optional(),
  }),
});

export const collections = { lessons };

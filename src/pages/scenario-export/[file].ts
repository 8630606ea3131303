import type { APIRoute } from "astro";
import { EXPORT_FILES, exportBundle } from "../../server/scenario-export/export-bundles.js";

/** The parts of "Export as a script", built once with the site; the page fetches them only on export. */
export const prerender = true;

export function getStaticPaths() {
  return EXPORT_FILES.map((file) => ({ params: { file } }));
}

export const GET: APIRoute = async ({ params }) =>
  new Response(await exportBundle(params.file ?? ""), { headers: { "content-type": "text/javascript; charset=utf-8" } });

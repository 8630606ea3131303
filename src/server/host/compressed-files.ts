import { createReadStream, readdirSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, relative, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".ttf": "font/ttf",
  ".map": "application/json; charset=utf-8",
};

interface Variant {
  path: string;
  size: number;
  etag: string;
}

/** Brotli first: it is smaller, and every current browser asks for it. */
const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

function accepts(req: IncomingMessage, encoding: string): boolean {
  const header = req.headers["accept-encoding"];
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    const q = params.find((param) => param.trim().startsWith("q="));
    return name?.trim() === encoding && (q === undefined || Number(q.trim().slice(2)) > 0);
  });
}

/**
 * Serves the build's precompressed copies (scripts/precompress.mjs) to browsers that accept them; answers
 * false for anything else, which the site's own handler then serves as is. The copies are listed once at
 * start-up, so a request costs a map lookup, not a file-system probe.
 */
export function createCompressedFiles(root: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const variants = new Map<string, Variant>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".br") || entry.name.endsWith(".gz")) {
        const stat = statSync(path);
        const key = `/${relative(root, path).split(sep).join("/")}`;
        variants.set(key, { path, size: stat.size, etag: `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"` });
      }
    }
  };
  walk(root);

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent((req.url ?? "/").split(/[?#]/)[0] ?? "/");
    } catch {
      return false;
    }
    if (pathname.includes("\0") || pathname.split("/").includes("..")) return false;
    // Pages are folders with an index.html: /lessons/emit is /lessons/emit/index.html.
    const file = extname(pathname) ? pathname : `${pathname.replace(/\/$/, "")}/index.html`;
    const type = TYPES[extname(file)];
    if (!type) return false;
    for (const { name, suffix } of ENCODINGS) {
      const variant = variants.get(`${file}${suffix}`);
      if (!variant || !accepts(req, name)) continue;
      const immutable = file.startsWith("/_astro/");
      res.setHeader("content-type", type);
      res.setHeader("content-encoding", name);
      res.setHeader("vary", "accept-encoding");
      res.setHeader("etag", variant.etag);
      res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      if (req.headers["if-none-match"] === variant.etag) {
        res.writeHead(304).end();
        return true;
      }
      res.setHeader("content-length", variant.size);
      if (req.method === "HEAD") {
        res.writeHead(200).end();
        return true;
      }
      res.writeHead(200);
      createReadStream(variant.path)
        .on("error", () => res.destroy())
        .pipe(res);
      return true;
    }
    return false;
  };
}

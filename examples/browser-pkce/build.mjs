// Bundles src/app.ts into dist/app.js, which index.html loads.
// Usage: node build.mjs [--outdir DIR]   (DIR defaults to ./dist)
import { build } from "esbuild"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const exampleDir = fileURLToPath(new URL(".", import.meta.url))
const { values } = parseArgs({ options: { outdir: { type: "string" } } })

await build({
  entryPoints: [resolve(exampleDir, "src/app.ts")],
  outfile: resolve(values.outdir ?? resolve(exampleDir, "dist"), "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning"
})

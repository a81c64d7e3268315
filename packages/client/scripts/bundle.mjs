// Builds dist/kontist.min.js, the script-tag build of the Promise client: a
// minified IIFE that defines the global `Kontist` (`Kontist.Client`,
// `Kontist.MFAConfirmationCanceledError`, ...) from src/browser.ts, and
// prints its raw and gzipped size.
//
// Usage: node scripts/bundle.mjs [--outfile PATH] [--analyze]
//   --outfile  where to write the script (default dist/kontist.min.js); the source map goes beside it
//   --analyze  also print the bytes each input contributes, largest first
import { analyzeMetafile, build } from "esbuild"
import { readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { gzipSync } from "node:zlib"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")

const { values } = parseArgs({
  options: {
    outfile: { type: "string", default: join(packageDir, "dist", "kontist.min.js") },
    analyze: { type: "boolean", default: false }
  }
})
const outfile = resolve(values.outfile)

const result = await build({
  entryPoints: [join(packageDir, "src", "browser.ts")],
  outfile,
  bundle: true,
  format: "iife",
  globalName: "Kontist",
  platform: "browser",
  // ES2022 keeps private class fields native; current Chrome, Firefox and Safari support it.
  target: "es2022",
  minify: true,
  // The map names files and lines without embedding their text, which
  // would make it about ten times the size of the script.
  sourcemap: "linked",
  sourcesContent: false,
  metafile: values.analyze,
  logLevel: "warning"
})

if (values.analyze) {
  console.log(await analyzeMetafile(result.metafile, { verbose: false }))
}

const code = readFileSync(outfile)
const gzipLevel = 9
const gzipped = gzipSync(code, { level: gzipLevel })
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

console.log(
  `${relative(process.cwd(), outfile)}: ${code.length} bytes (${kib(code.length)}) raw, ` +
    `${gzipped.length} bytes (${kib(gzipped.length)}) gzipped (level ${gzipLevel})`
)

/**
 * Builds a test page from a TypeScript entry in `test/fixtures/`: the entry
 * is bundled with esbuild into a temporary directory next to an `index.html`
 * that loads it.
 */
import { build } from "esbuild"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export interface FixturePage {
  /** The directory with `index.html` and `fixture.js`, to be served by `startStaticServer`. */
  readonly dir: string
  remove(): Promise<void>
}

/** Bundles `test/fixtures/<name>.ts` and writes the page around it. */
export const buildFixturePage = async (name: string): Promise<FixturePage> => {
  const dir = await mkdtemp(join(tmpdir(), `kontist-fixture-${name}-`))
  try {
    await build({
      entryPoints: [fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url))],
      outfile: join(dir, "fixture.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      logLevel: "warning"
    })
    await writeFile(
      join(dir, "index.html"),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name} fixture</title></head>` +
        `<body><script type="module" src="./fixture.js"></script></body></html>`
    )
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/// <reference types="node" />
/**
 * The dependency rules of `@kontist/core`: its sources import only relative
 * modules, Effect, the abstract `@effect/platform` modules, graphql and
 * graphql-ws, and touch no Node module and no browser global except
 * WebCrypto's `crypto`.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const sourceRoot = fileURLToPath(new URL("../src", import.meta.url))

const allowedPackages: ReadonlySet<string> = new Set(["effect", "@effect/platform", "graphql", "graphql-ws"])
const allowedSubpaths: ReadonlySet<string> = new Set(["graphql-ws/client"])

const isAllowedImport = (specifier: string): boolean =>
  specifier.startsWith("./") ||
  specifier.startsWith("../") ||
  allowedPackages.has(specifier) ||
  allowedSubpaths.has(specifier) ||
  specifier.startsWith("effect/") ||
  specifier.startsWith("@effect/platform/")

/**
 * Browser globals that core must not use, because it runs in Node as well.
 * WebCrypto's `crypto` is allowed.
 */
const forbiddenGlobals: ReadonlySet<string> = new Set([
  "window",
  "self",
  "document",
  "location",
  "history",
  "navigator",
  "localStorage",
  "sessionStorage",
  "indexedDB",
  "fetch",
  "XMLHttpRequest"
])

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  // The DOM library is loaded so that a browser global resolves to its
  // declaration there, unlike a local of the same name.
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
  // Imports are only read, never followed, which keeps the program small.
  noResolve: true,
  noEmit: true
}

interface Findings {
  /** `file:line specifier` of each import that is not allowed. */
  readonly imports: Array<string>
  /** `file:line name` of each use of a forbidden browser global. */
  readonly globals: Array<string>
}

const moduleSpecifierOf = (node: ts.Node): string | undefined => {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
    return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const expression = node.moduleReference.expression
    return ts.isStringLiteral(expression) ? expression.text : undefined
  }
  if (ts.isCallExpression(node)) {
    const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword
    const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require"
    const [argument] = node.arguments
    if ((isImport || isRequire) && argument !== undefined && ts.isStringLiteralLike(argument)) return argument.text
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
    return node.argument.literal.text
  }
  return undefined
}

/** Checks whether `identifier` refers only to declarations in a default library, such as `lib.dom.d.ts`. */
const isLibraryGlobal = (program: ts.Program, checker: ts.TypeChecker, identifier: ts.Identifier): boolean => {
  const declarations = checker.getSymbolAtLocation(identifier)?.declarations ?? []
  return declarations.length > 0 &&
    declarations.every((declaration) => program.isSourceFileDefaultLibrary(declaration.getSourceFile()))
}

const scan = (program: ts.Program, fileNames: ReadonlyArray<string>, displayRoot: string): Findings => {
  const checker = program.getTypeChecker()
  const findings: Findings = { imports: [], globals: [] }

  for (const fileName of fileNames) {
    const source = program.getSourceFile(fileName)
    if (source === undefined) throw new Error(`TypeScript did not load ${fileName}`)
    const where = (node: ts.Node) =>
      `${relative(displayRoot, fileName)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`

    const visit = (node: ts.Node): void => {
      const specifier = moduleSpecifierOf(node)
      if (specifier !== undefined && !isAllowedImport(specifier)) findings.imports.push(`${where(node)} ${specifier}`)

      if (ts.isIdentifier(node) && forbiddenGlobals.has(node.text) && isLibraryGlobal(program, checker, node)) {
        findings.globals.push(`${where(node)} ${node.text}`)
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return findings
}

const sourceFileNames = readdirSync(sourceRoot, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => join(sourceRoot, name))

describe("core dependencies", () => {
  const findings = scan(ts.createProgram(sourceFileNames, compilerOptions), sourceFileNames, sourceRoot)

  it("scans every source file", () => {
    expect(sourceFileNames.map((name) => relative(sourceRoot, name))).toContain("Auth.ts")
    expect(sourceFileNames.map((name) => relative(sourceRoot, name))).toContain(join("internal", "http.ts"))
  })

  it("imports only allowed packages", () => {
    expect(findings.imports).toEqual([])
  })

  it("uses no browser globals", () => {
    expect(findings.globals).toEqual([])
  })
})

describe("core dependency scan", () => {
  const fixtureName = "/virtual/fixture.ts"
  const fixture = [
    /* 1 */ `import { readFile } from "node:fs"`,
    /* 2 */ `import WebSocket from "ws"`,
    /* 3 */ `import { Effect } from "effect"`,
    /* 4 */ `import * as Socket from "@effect/platform/Socket"`,
    /* 5 */ `import * as Http from "./internal/http.js"`,
    /* 6 */ `export { NodeHttpClient } from "@effect/platform-node"`,
    /* 7 */ `export const lazy = () => import("@kontist/node")`,
    /* 8 */ `const document = "query { viewer { email } }"`,
    /* 9 */ `export const length = (location: string) => location.length + document.length`,
    /* 10 */ `export const stored = window.name ?? localStorage.getItem("token") ?? globalThis.sessionStorage`,
    /* 11 */ `export const here = location.href`,
    /* 12 */ `export const random = crypto.getRandomValues(new Uint8Array(4))`,
    /* 13 */ `export const unused = [readFile, WebSocket, Effect, Socket, Http]`
  ].join("\n")

  const host = ts.createCompilerHost(compilerOptions)
  const getSourceFile = host.getSourceFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === fixtureName
      ? ts.createSourceFile(fileName, fixture, languageVersion, true)
      : getSourceFile(fileName, languageVersion, ...rest)
  host.fileExists = (fileName) => fileName === fixtureName || fileExists(fileName)

  const findings = scan(ts.createProgram([fixtureName], compilerOptions, host), [fixtureName], "/virtual")

  it("flags Node modules and other packages", () => {
    expect(findings.imports).toEqual([
      "fixture.ts:1 node:fs",
      "fixture.ts:2 ws",
      "fixture.ts:6 @effect/platform-node",
      "fixture.ts:7 @kontist/node"
    ])
  })

  it("flags browser globals but not locals", () => {
    expect(findings.globals).toEqual([
      "fixture.ts:10 window",
      "fixture.ts:10 localStorage",
      "fixture.ts:10 sessionStorage",
      "fixture.ts:11 location"
    ])
  })
})

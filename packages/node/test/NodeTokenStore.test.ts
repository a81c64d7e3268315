import { describe, expect, it } from "@effect/vitest"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import { Token } from "@kontist/core/Token"
import * as TokenStore from "@kontist/core/TokenStore"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { tokenStoreConformance } from "../../core/test/TokenStoreConformance.js"
import * as NodeTokenStore from "../src/NodeTokenStore.js"

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "kontist-node-"))),
  (directory) => Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true }))
)

const token = new Token({
  accessToken: Redacted.make("access-1"),
  refreshToken: Option.some(Redacted.make("refresh-1")),
  expiresAt: 1_900_000_000_000,
  scope: ["transactions", "offline"],
  confirmed: true
})

const modeOf = (path: string) => Fs.statSync(path).mode & 0o777

const storeIn = (directory: string) =>
  Effect.provide(TokenStore.TokenStore, NodeTokenStore.layer({ directory }))

// Every build of this layer gets its own directory, so each conformance test starts empty.
tokenStoreConformance(
  "NodeTokenStore.layer in a temporary directory",
  Layer.unwrapScoped(Effect.map(temporaryDirectory, (directory) => NodeTokenStore.layer({ directory })))
)

describe("NodeTokenStore", () => {
  it.scoped("creates the token file with mode 0600", () =>
    Effect.gen(function*() {
      const directory = Path.join(yield* temporaryDirectory, "kontist")
      const store = yield* storeIn(directory)

      yield* store.set(token)

      const file = Path.join(directory, TokenStore.defaultKey)
      expect(modeOf(file)).toBe(0o600)
      expect(modeOf(directory)).toBe(0o700)
    }))

  it.scoped("narrows an existing wider file to 0600", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const file = Path.join(directory, TokenStore.defaultKey)
      Fs.writeFileSync(file, "{}", { mode: 0o644 })
      Fs.chmodSync(file, 0o644)
      const store = yield* storeIn(directory)

      yield* store.set(token)

      expect(modeOf(file)).toBe(0o600)
    }))

  it.scoped("names the file after the encoded key", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const store = yield* Effect.provide(TokenStore.TokenStore, NodeTokenStore.layer({ directory, key: "user/lena" }))

      yield* store.set(token)

      expect(Fs.readdirSync(directory)).toEqual(["user%2Flena"])
      expect(modeOf(Path.join(directory, "user%2Flena"))).toBe(0o600)
    }))

  it.scoped("keeps the token across layers", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      yield* Effect.flatMap(storeIn(directory), (store) => store.set(token))

      const stored = yield* Effect.flatMap(storeIn(directory), (store) => store.get)

      expect(Option.map(stored, (value) => Redacted.value(value.accessToken))).toEqual(Option.some("access-1"))
      expect(Option.flatMap(stored, (value) => Option.map(value.refreshToken, Redacted.value))).toEqual(
        Option.some("refresh-1")
      )
    }))

  it.scoped("leaves no temporary files", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const store = yield* storeIn(directory)

      yield* store.set(token)
      yield* store.set(token)

      expect(Fs.readdirSync(directory)).toEqual([TokenStore.defaultKey])
    }))

  it.scoped("clear removes the file", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const store = yield* storeIn(directory)
      yield* store.set(token)

      yield* store.clear

      expect(Fs.existsSync(Path.join(directory, TokenStore.defaultKey))).toBe(false)
      expect(yield* store.get).toEqual(Option.none())
    }))

  it.scoped("key-value clear recreates the directory as 0700", () =>
    Effect.gen(function*() {
      const directory = Path.join(yield* temporaryDirectory, "kontist")
      const store = yield* Effect.provide(KeyValueStore.KeyValueStore, NodeTokenStore.layerKeyValueStore(directory))
      yield* store.set("a", "1")

      yield* store.clear

      expect(Fs.readdirSync(directory)).toEqual([])
      expect(modeOf(directory)).toBe(0o700)
    }))

  it.scoped("key-value store rejects an empty key", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const store = yield* Effect.provide(KeyValueStore.KeyValueStore, NodeTokenStore.layerKeyValueStore(directory))

      const error = yield* Effect.flip(store.set("", "1"))

      expect(error._tag).toBe("BadArgument")
    }))

  it.scoped("key-value modify writes with mode 0600", () =>
    Effect.gen(function*() {
      const directory = yield* temporaryDirectory
      const file = Path.join(directory, "a")
      Fs.writeFileSync(file, "1", { mode: 0o644 })
      Fs.chmodSync(file, 0o644)
      const store = yield* Effect.provide(KeyValueStore.KeyValueStore, NodeTokenStore.layerKeyValueStore(directory))

      const modified = yield* store.modify("a", (value) => `${value}2`)

      expect(modified).toEqual(Option.some("12"))
      expect(modeOf(file)).toBe(0o600)
    }))

  it("defaults to a kontist directory", () => {
    expect(NodeTokenStore.defaultDirectory()).toMatch(/[/\\]kontist$/)
  })
})

/**
 * Token storage on disk: a `TokenStore` over a file-system `KeyValueStore`
 * whose directory is created with mode 0700 and whose files are written with
 * mode 0600, so a stored token is readable by its owner only.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import type * as PlatformError from "@effect/platform/Error"
import * as Path from "@effect/platform/Path"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeKeyValueStore from "@effect/platform-node/NodeKeyValueStore"
import * as NodePath from "@effect/platform-node/NodePath"
import * as TokenStore from "@kontist/core/TokenStore"
import { Effect, Layer } from "effect"
import * as Crypto from "node:crypto"
import * as Os from "node:os"

/**
 * Mode of each value file: read and write for the owner only.
 *
 * @since 0.1.0
 * @category constants
 */
export const fileMode = 0o600

/**
 * Mode of a directory the store creates: access for the owner only.
 *
 * @since 0.1.0
 * @category constants
 */
export const directoryMode = 0o700

/**
 * Returns the default directory for Kontist credentials:
 * `$XDG_CONFIG_HOME/kontist` when that variable is an absolute path,
 * `%APPDATA%\kontist` on Windows, and `~/.config/kontist` otherwise.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultDirectory = (): string => {
  const xdgConfigHome = process.env["XDG_CONFIG_HOME"]
  if (xdgConfigHome !== undefined && xdgConfigHome.startsWith("/")) {
    return `${xdgConfigHome}/kontist`
  }

  const appData = process.env["APPDATA"]
  if (process.platform === "win32" && appData !== undefined && appData.length > 0) {
    return `${appData}\\kontist`
  }

  return `${Os.homedir()}/.config/kontist`
}

/**
 * Builds the hardened key-value store. Reads and `size` are those of
 * `NodeKeyValueStore.layerFileSystem`, so the file name of a key is
 * `encodeURIComponent(key)` there as here. Writes go to a temporary file
 * created with mode 0600 that is then renamed over the target, so readers
 * never see a half-written file and an existing file with wider permissions
 * is replaced rather than reused. Removing a missing key succeeds.
 *
 * A directory that already exists keeps its mode: the store creates missing
 * directories with mode 0700 but does not change the mode of existing ones.
 *
 * NOTE: Node ignores these modes on Windows (apart from the read-only bit),
 * so there the file gets the access control list of its directory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyValueStore = (
  directory: string
): Effect.Effect<KeyValueStore.KeyValueStore, PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path

    yield* fs.makeDirectory(directory, { recursive: true, mode: directoryMode })
    const base = yield* Effect.provide(KeyValueStore.KeyValueStore, NodeKeyValueStore.layerFileSystem(directory))

    const write = (key: string, value: string | Uint8Array) =>
      Effect.gen(function*() {
        const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value
        const target = path.join(directory, encodeURIComponent(key))
        const temporary = path.join(directory, `.${encodeURIComponent(key)}.${Crypto.randomBytes(8).toString("hex")}.tmp`)

        // `wx` fails when the name exists, so a planted file or symlink is never written through.
        yield* fs.writeFile(temporary, bytes, { flag: "wx", mode: fileMode })
        yield* fs.rename(temporary, target).pipe(
          Effect.tapError(() => Effect.ignore(fs.remove(temporary)))
        )
      })

    // The platform store rejects these keys in every method; `set` keeps that rule.
    const set = (key: string, value: string | Uint8Array) =>
      key.length === 0 || key === "." || key === ".."
        ? base.set(key, value)
        : write(key, value)

    // The platform store fails to remove a missing file; the memory store succeeds, and callers expect that.
    const remove = (key: string) =>
      base.remove(key).pipe(
        Effect.catchIf((error) => error._tag === "SystemError" && error.reason === "NotFound", () => Effect.void)
      )

    const clear = fs.remove(directory, { recursive: true }).pipe(
      Effect.zipRight(fs.makeDirectory(directory, { recursive: true, mode: directoryMode }))
    )

    return KeyValueStore.make({
      get: base.get,
      getUint8Array: base.getUint8Array,
      remove,
      has: base.has,
      size: base.size,
      set,
      clear
    })
  })

/**
 * The hardened key-value store in `directory`, on Node's file system.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKeyValueStore = (directory: string): Layer.Layer<KeyValueStore.KeyValueStore, PlatformError.PlatformError> =>
  Layer.effect(KeyValueStore.KeyValueStore, makeKeyValueStore(directory)).pipe(
    Layer.provide(NodeFileSystem.layer),
    Layer.provide(NodePath.layer)
  )

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Directory of the token file. Defaults to `defaultDirectory()`. */
  readonly directory?: string | undefined
  /** Key of the token, which is also the file name. Defaults to `TokenStore.defaultKey`. */
  readonly key?: string | undefined
}

/**
 * A `TokenStore` that keeps the token as JSON in the file
 * `encodeURIComponent(key)` inside `directory`, with mode 0600. The file
 * contains the access and refresh tokens in plain text, so its mode is the
 * only protection.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TokenStore.TokenStore, PlatformError.PlatformError> =>
  TokenStore.layerKeyValueStore({ key: options.key }).pipe(
    Layer.provide(layerKeyValueStore(options.directory ?? defaultDirectory()))
  )

/**
 * The services the client runs on: `Kontist.layer` on top of a platform
 * layer.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Socket from "@effect/platform/Socket"
import * as Kontist from "@kontist/core/Kontist"
import type { KontistConfig } from "@kontist/core/KontistConfig"
import type { TokenStore } from "@kontist/core/TokenStore"
import { Layer } from "effect"

/** The services the client's methods use. */
export type ClientServices = Kontist.Services | KontistConfig

/** The services a platform layer (`@kontist/node`, `@kontist/browser`) provides. */
export type PlatformServices = HttpClient.HttpClient | TokenStore | Socket.WebSocketConstructor

/** Builds every core service on top of `platform`; `KontistConfig` stays a requirement. */
export const services = <E>(platform: Layer.Layer<PlatformServices, E>): Layer.Layer<Kontist.Services, E, KontistConfig> =>
  Kontist.layer.pipe(Layer.provide(platform))

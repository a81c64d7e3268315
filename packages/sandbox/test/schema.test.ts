import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const shippedSchema = fileURLToPath(new URL("../schema.graphql", import.meta.url))
// The reference copy lives beside the repository, at ../shared/kontist/schema.graphql from its root.
const referenceSchema = fileURLToPath(new URL("../../../../shared/kontist/schema.graphql", import.meta.url))

describe("shipped schema", () => {
  it.skipIf(!existsSync(referenceSchema))("equals the reference copy", () => {
    expect(readFileSync(shippedSchema, "utf8")).toBe(readFileSync(referenceSchema, "utf8"))
  })
})

/// <reference types="node" />
import { describe, expect, it } from "@effect/vitest"
import { buildSchema, type GraphQLSchema, Kind, parse, validate } from "graphql"
import { readFileSync } from "node:fs"
import * as Core from "../src/index.js"

/** Every `documents` record exported by a module of the barrel, as `Module.operation`. */
const collectDocuments = (): ReadonlyArray<readonly [string, string]> =>
  Object.entries(Core).flatMap(([moduleName, module]) => {
    const documents = (module as { readonly documents?: Readonly<Record<string, string>> }).documents
    return documents === undefined
      ? []
      : Object.entries(documents).map(([operation, document]) => [`${moduleName}.${operation}`, document] as const)
  })

const loadSchema = (): GraphQLSchema =>
  buildSchema(readFileSync(new URL("../../sandbox/schema.graphql", import.meta.url), "utf8"))

describe("GraphQL documents", () => {
  const documents = collectDocuments()
  const schema = loadSchema()

  it("covers every model module", () => {
    const names = documents.map(([name]) => name)
    expect(names).toEqual(expect.arrayContaining([
      "Accounts.main",
      "Accounts.viewer",
      "Subscriptions.newTransactions",
      "Transactions.get",
      "Transactions.page",
      "Transfers.confirmMany",
      "Transfers.confirmOne",
      "Transfers.createMany",
      "Transfers.createOne"
    ]))
  })

  it.each(documents)("%s validates against the schema", (_name, document) => {
    const ast = parse(document)
    expect(validate(schema, ast).map((error) => error.message)).toEqual([])

    const operations = ast.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
    expect(operations).toHaveLength(1)
    expect(operations[0]?.name?.value).toMatch(/^[A-Z]\w+$/)
  })
})

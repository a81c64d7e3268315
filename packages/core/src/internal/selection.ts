/**
 * Derives GraphQL selection sets from the Schemas that decode the response,
 * so that a model's fields are written once.
 */
import { type Schema, SchemaAST } from "effect"

/**
 * Returns the object type inside `ast` (looking through arrays, `null`
 * unions, refinements and suspensions), or `undefined` for a scalar or enum.
 */
const objectType = (ast: SchemaAST.AST): SchemaAST.TypeLiteral | undefined => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast
    case "TupleType":
      return ast.rest[0] === undefined ? undefined : objectType(ast.rest[0].type)
    case "Union": {
      for (const member of ast.types) {
        const found = objectType(member)
        if (found !== undefined) return found
      }
      return undefined
    }
    case "Refinement":
      return objectType(ast.from)
    case "Transformation":
      return objectType(ast.from)
    case "Suspend":
      return objectType(ast.f())
    default:
      return undefined
  }
}

const selectionOf = (typeLiteral: SchemaAST.TypeLiteral): string => {
  const fields = typeLiteral.propertySignatures.map((property) => {
    const name = String(property.name)
    const nested = objectType(property.type)
    return nested === undefined ? name : `${name} ${selectionOf(nested)}`
  })
  return `{ ${fields.join(" ")} }`
}

/**
 * Builds the selection set `{ a b { c } }` from the encoded side of a Schema
 * of the response: each property becomes a field, and properties holding
 * objects (or arrays or nullable objects) get a nested selection. Property
 * names are the encoded ones, so `Schema.fromKey` renames work.
 */
export const selectionSet = (schema: Schema.Schema.Any): string => {
  const typeLiteral = objectType(SchemaAST.encodedAST(schema.ast))
  if (typeLiteral === undefined) {
    throw new Error(`selectionSet: ${String(schema.ast)} is not an object schema`)
  }
  return selectionOf(typeLiteral)
}

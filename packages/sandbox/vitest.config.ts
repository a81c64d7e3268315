import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "sandbox",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    server: {
      deps: {
        // graphql 16 ships a CommonJS build (`main`) and an ESM build (`module`).
        // Vitest gives the sandbox's sources the ESM build, while an external
        // graphql-ws loads the CommonJS one and then rejects the sandbox's
        // subscription errors in its `instanceof GraphQLError` check. Inlining
        // graphql-ws makes both use the ESM build.
        inline: [/graphql-ws/]
      }
    }
  }
})

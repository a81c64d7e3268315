import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "client",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    server: {
      deps: {
        // graphql 16 ships CommonJS (`main`) and ESM (`module`) builds. Vitest
        // gives the sandbox's sources the ESM build, while an external
        // graphql-ws, run by Node, loads the CommonJS one. graphql-ws then
        // fails its `instanceof GraphQLError` check on the sandbox's
        // subscription errors. Inlining graphql-ws makes both use one build.
        inline: [/graphql-ws/]
      }
    }
  }
})

// The CLI as a library: for embedding and for end-to-end tests that drive it.
export { type CliContext, createCliContext } from "./cli-context";
export { buildProgram, runCli } from "./run-cli";

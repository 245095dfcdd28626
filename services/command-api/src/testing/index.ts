// Test helpers of the command API, for its own tests and the benchmarks; never imported by main.

export { EventStreamReader } from "./event-stream-reader";
export {
  MemoryReader,
  openTestApi,
  submissionForm,
  type TestApi,
  type TestApiOptions,
} from "./open-test-api";

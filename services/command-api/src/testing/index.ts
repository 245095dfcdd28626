// Test helpers of the command API, for its own tests and the benchmarks; never imported by main.
export {
  MemoryReader,
  openTestApi,
  registrationForm,
  type TestApi,
  type TestApiOptions,
} from "./open-test-api";

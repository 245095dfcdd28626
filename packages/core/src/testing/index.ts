// Test helpers: real local servers (S3, SMTP, HuggingFace wire format) and fixtures.
// Imported only by tests and benchmarks.
export { openTestDatabase, type TestDatabase, testDatabaseUrl } from "./database";
export { captionProduced, imageSubmitted, newRequestId } from "./events";
export * from "./fake-hf-server";
export * from "./image-fixtures";
export { openTestStore, randomLayout, type TestStore, testNatsUrl } from "./nats";
export { appendInterleaved, atPositions, type FlowEnding, interleave, requestFlow } from "./request-flows";
export { startS3Server, type TestS3Server } from "./s3-server";
export * from "./smtp-sink";
export { waitFor } from "./wait-for";

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3BlobStore } from "@reimagine/blobs";
import S3rver from "s3rver";

/** A running S3 server for integration tests. */
export interface TestS3Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/** Starts s3rver on a free port of 127.0.0.1 over a temp directory that stop() deletes. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "reimagine-s3rver-"));
  // Port 0 lets the OS pick, so parallel test files never collide.
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  let address: Awaited<ReturnType<S3rver["run"]>>;
  try {
    address = await server.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // s3rver's one built-in account; it checks signatures against this pair.
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/** A blob store on the test S3 server with two fresh buckets, named as the services' two roles. */
export async function openTestBuckets(
  s3: TestS3Server,
): Promise<{ blobs: S3BlobStore; buckets: { originals: string; generated: string } }> {
  const suffix = randomBytes(4).toString("hex");
  const buckets = { originals: `t-${suffix}-originals`, generated: `t-${suffix}-generated` };
  const blobs = new S3BlobStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
  });
  await blobs.ensureBuckets([buckets.originals, buckets.generated]);
  return { blobs, buckets };
}

import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { isStreamNotFound, SubjectsOverlapError, UnknownStreamError } from "./errors";
import type { SubjectLayout } from "./subjects";

/** JetStream's error code for subjects another stream already takes. */
const SUBJECTS_OVERLAP = 10065;
/** How many other stream names an UnknownStreamError lists. */
const KNOWN_LISTED = 5;

export interface StreamOptions {
  replicas: number;
  duplicateWindowMs: number;
  /** Storage type; file for anything real, memory only for throw-away benchmarks. */
  storage?: "file" | "memory";
}

const ms = (n: number) => n * 1_000_000;

/**
 * Creates or updates the event stream and the dead-letter stream. Idempotent: safe at every
 * start-up of every service. The event log keeps everything (no age or count limit) and refuses
 * new writes rather than dropping history when a byte limit is ever set.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  layout: SubjectLayout,
  options: StreamOptions,
): Promise<void> {
  const storage = options.storage === "memory" ? StorageType.Memory : StorageType.File;
  await upsert(jsm, {
    name: layout.stream,
    subjects: [layout.allEvents],
    retention: RetentionPolicy.Limits,
    storage,
    num_replicas: options.replicas,
    discard: DiscardPolicy.New,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: 1024 * 1024,
    duplicate_window: ms(options.duplicateWindowMs),
    deny_delete: true,
    deny_purge: true,
    allow_direct: true,
  });
  await upsert(jsm, {
    name: layout.deadLetterStream,
    subjects: [layout.allDeadLetters, layout.redriveOf("*")],
    retention: RetentionPolicy.Limits,
    storage,
    num_replicas: options.replicas,
    discard: DiscardPolicy.Old,
    max_age: 0,
    duplicate_window: ms(options.duplicateWindowMs),
    allow_direct: true,
  });
}

/**
 * Checks that the event stream exists without creating anything (read-only work: an audit, an
 * export); an UnknownStreamError lists the streams the server does have.
 */
export async function assertStreamExists(jsm: JetStreamManager, layout: SubjectLayout): Promise<void> {
  try {
    await jsm.streams.info(layout.stream);
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    const known: string[] = [];
    for await (const name of jsm.streams.names()) if (known.length < KNOWN_LISTED) known.push(name);
    throw new UnknownStreamError(layout.stream, known);
  }
}

async function upsert(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }) {
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (isStreamNotFound(err)) {
      await add(jsm, config);
      return;
    }
    throw err;
  }
  // storage and retention cannot change in place; everything else we own may.
  const { storage: _s, retention: _r, ...mutable } = config;
  await jsm.streams.update(config.name, mutable);
}

/** Creates a stream; a subject conflict names the stream that already has the subjects. */
async function add(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === SUBJECTS_OVERLAP)) throw err;
    const subjects = config.subjects ?? [];
    const others = new Set<string>();
    for (const subject of subjects) {
      for await (const name of jsm.streams.names(subject)) if (name !== config.name) others.add(name);
    }
    throw new SubjectsOverlapError(config.name, subjects, [...others], undefined, { cause: err });
  }
}

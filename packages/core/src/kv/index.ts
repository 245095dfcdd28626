export { createInMemoryKvRecordStore, type InMemoryKvRecordStore } from "./in-memory-kv-record-store";
export type { KvRecordEntry, KvRecordSchema, KvRecordStore } from "./kv-record-store";
export { KvRecordUnreadableError } from "./kv-record-unreadable-error";
export { type KvRecordStoreOptions, openKvRecordStore } from "./open-kv-record-store";

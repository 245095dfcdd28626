// Personal data in an append-only log: sealed under a data key per request (AES-256-GCM), the keys
// in a NATS KV bucket beside the stream, and erasure by erasing the key (crypto-shredding).
export { dataKeyName, KeyRecord } from "./key-records";
export { KeyStoreUnavailableError } from "./key-store-unavailable-error";
export { keyBucketName, openVault } from "./open-vault";
export { PersonalDataErasedError } from "./personal-data-erased-error";
export { ERASED, maskedEmailOf, personalDataOf } from "./personal-data-of";
export { openWith, SealBrokenError, sealWith } from "./seal";
export { createVault, normalizeEmail, type Vault } from "./vault";

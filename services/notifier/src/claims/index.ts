export { ClaimHeldError } from "./claim-held-error";
export { ClaimLease } from "./claim-lease";
export { type ClaimStore, UnreadableClaimError } from "./claim-store";
export { type ClaimDecision, type ClaimDecisionInput, decideClaim } from "./decide-claim";
export { createInMemoryClaimStore } from "./in-memory-claim-store";
export { claimBucketName, openKvClaimStore } from "./kv-claim-store";
export { type ClaimEntry, claimKey, NotificationClaim } from "./notification-claim";

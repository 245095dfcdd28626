export { ClaimHeldError } from "./claim-held-error";
export {
  CLAIM_TTL_MS,
  ClaimData,
  type ClaimStore,
  claimBucketName,
  claimKey,
  createInMemoryClaimStore,
  openClaimStore,
} from "./notification-claim";

export { ClaimHeldError } from "./claim-held-error";
export {
  ClaimData,
  type ClaimStore,
  claimBucketName,
  claimKey,
  createInMemoryClaimStore,
  openClaimStore,
} from "./notification-claim";

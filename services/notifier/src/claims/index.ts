export {
  ClaimData,
  ClaimHeldError,
  type ClaimStore,
  claimBucketName,
  claimKey,
  createInMemoryClaimStore,
  openClaimStore,
} from "./notification-claim";
